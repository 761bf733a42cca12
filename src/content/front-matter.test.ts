import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromRoot } from '../shared/paths.ts';
import { parseFrontMatter, splitFrontMatter } from './front-matter.ts';

const seed002 = readFileSync(fromRoot('test/fixtures/seeds/002_14af218402b812f9.txt'), 'utf8');

describe('front matter', () => {
  it('reads every key of the seed page unchanged', () => {
    const split = splitFrontMatter(seed002);
    expect(split.yaml).not.toBeNull();
    const parsed = parseFrontMatter(split.yaml!);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const fm = parsed.data;
    expect(fm.title).toBe('Get international qualified teacher status (iQTS)');
    expect(fm.description).toMatch(/^Get international qualified teacher status \(iQTS\) from anywhere in the world/);
    expect(fm.related_content).toEqual({
      'What is QTS?': '/what-is-qts',
      'A day in the life of a teacher in England': '/a-day-in-the-life-of-a-teacher',
      'Salaries and benefits of teaching in England': '/salaries-and-benefits',
    });
    expect(fm.promo_content).toEqual(['content/non-uk-teachers/promos/adviser-promo-iqts']);
    // `navigation: 20.10` is the number 20.1.
    expect(fm.navigation).toBe(20.1);
    expect(fm.date).toBe('2021-08-06');
    expect(fm.backlink).toBe('../');
    expect(fm.keywords).toEqual(['international', 'QTS', 'iQTS', 'Qualified teacher status']);
    expect(fm.accordion?.numbered).toBe(true);
    expect(Object.keys(fm.accordion!.steps)).toEqual([
      'Check your eligibility',
      'Find out about fees',
      'Apply to your chosen iQTS teacher training provider',
      'Gain iQTS and automatic QTS',
      'Next steps for candidates wishing to teach in England',
    ]);
    expect(fm.accordion?.content_after_accordion?.partial).toBe(
      'content/non-uk-teachers/international-qualified-teacher-status/after-accordion',
    );
  });

  it('starts the body after the closing fence and knows its line', () => {
    const split = splitFrontMatter(seed002);
    expect(split.body.trimStart().startsWith('## Introducing iQTS')).toBe(true);
    const fenceLine = seed002.split('\n').indexOf('---', 1) + 1;
    expect(split.bodyLine).toBe(fenceLine + 1);
  });

  it('accepts a closing fence with trailing whitespace and a file without front matter', () => {
    expect(splitFrontMatter('---\ntitle: A\n---   \nBody').yaml).toBe('title: A');
    expect(splitFrontMatter('No front matter').yaml).toBeNull();
  });

  it('reports an unknown key with its line', () => {
    const parsed = parseFrontMatter('title: A\ndescripton: typo');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems[0]!.message).toMatch(/unknown front-matter key "descripton"/);
    expect(parsed.problems[0]!.line).toBe(3);
  });

  it('reports a wrong type and an unquoted-looking date that is not ISO', () => {
    const parsed = parseFrontMatter('title: A\nnavigation: first\ndate: "6 August 2021"');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const messages = parsed.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/navigation/);
    expect(messages).toMatch(/date must be a quoted ISO date/);
  });

  it('refuses custom YAML tags and reports YAML syntax errors with a line', () => {
    const tagged = parseFrontMatter('title: !!js/function "x"');
    expect(tagged.ok).toBe(false);
    const broken = parseFrontMatter('title: A\nkeywords: [a, b');
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.problems[0]!.message).toMatch(/not valid YAML/);
  });

  it('requires a title', () => {
    const parsed = parseFrontMatter('description: no title');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.some((p) => p.message.startsWith('title'))).toBe(true);
  });

  it('reads YAML 1.1 Yes/No as booleans where a boolean is expected, with a warning and its line', () => {
    const parsed = parseFrontMatter('title: A\nnoindex: Yes\naccordion:\n  numbered: no\n  steps: {}');
    expect(parsed.ok).toBe(true);
    expect(parsed.data).toMatchObject({ noindex: true, accordion: { numbered: false } });
    expect(parsed.warnings).toEqual([
      { line: 3, message: 'noindex: "Yes" read as true (a YAML 1.1 habit): write true' },
      { line: 5, message: 'accordion.numbered: "no" read as false (a YAML 1.1 habit): write false' },
    ]);
    // Text keys stay text.
    expect(parseFrontMatter('title: "No"').data).toMatchObject({ title: 'No' });
  });

  it('refuses a duplicate key, with its line', () => {
    const parsed = parseFrontMatter('title: A\ndescription: x\ntitle: B');
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      { line: 4, message: expect.stringMatching(/duplicated mapping key/) },
    ]);
  });
});
