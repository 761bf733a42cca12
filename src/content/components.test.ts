import { describe, expect, it } from 'vitest';
import { declaredComponents, insertComponents, markComponents, renderComponent } from './components.ts';

const providers = [
  { name: 'Alpha & Co', slug: 'alpha-co', website: 'https://alpha.example/iqts' },
  { name: 'Beta', slug: 'beta', website: null },
];

describe('components', () => {
  it('renders a provider list linking websites, or the profile when there is none, escaped', () => {
    const html = renderComponent({ kind: 'provider_list', name: 'p', args: {} }, { providers });
    expect(html).toContain(
      '<a class="govuk-link" href="https://alpha.example/iqts" rel="noopener noreferrer">Alpha &amp; Co</a>',
    );
    expect(html).toContain('<a class="govuk-link" href="/providers/beta">Beta</a>');
    const profiles = renderComponent({ kind: 'provider_list', name: 'p', args: { link: 'profile' } }, { providers });
    expect(profiles).toContain('href="/providers/alpha-co"');
  });

  it('says when no provider is listed rather than showing an empty list', () => {
    expect(renderComponent({ kind: 'provider_list', name: 'p', args: {} }, { providers: [] })).toContain(
      'No providers are listed at the moment',
    );
  });

  it('replaces a placeholder on its own line with the block, and drops one inside a sentence', () => {
    const components = declaredComponents({ provider_list: { p: {} } });
    const marked = markComponents('Intro\n\n$p$\n\nText $p$ here and $other$.', components);
    expect(marked.used).toEqual([
      { name: 'p', line: 2, alone: true },
      { name: 'p', line: 4, alone: false },
    ]);
    expect(marked.text).toContain('$other$');
    const html = insertComponents(
      `<p class="govuk-body">Intro</p>\n<p class="govuk-body">${marked.text.split('\n')[2]}</p>\n<p class="govuk-body">Text ${'\uE000p\uE000'} here</p>`,
      () => '<ul>list</ul>',
    );
    expect(html).toBe('<p class="govuk-body">Intro</p>\n<ul>list</ul><p class="govuk-body">Text  here</p>');
  });
});
