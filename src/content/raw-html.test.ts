import { describe, expect, it } from 'vitest';
import { checkRawHtml, sanitizeContentHtml } from './raw-html.ts';

describe('raw HTML: a safe subset', () => {
  it('keeps the allowed subset as written', () => {
    const html =
      '<p class="govuk-body">An <abbr title="Department for Education">DfE</abbr> page<br /><sup>1</sup></p>\n' +
      '<details><summary>More</summary><p>Hidden</p></details>';
    expect(sanitizeContentHtml(html)).toBe(html);
    expect(checkRawHtml('<abbr title="Department for Education">')).toEqual([]);
  });

  it('removes scripts, styles, event handlers, forms and javascript: links, and says so', () => {
    const raw =
      '<script>alert(1)</script><style>p{}</style>\n<p style="color:red" onclick="x()">Hi</p>' +
      '<form><input name="a"></form><a href="javascript:alert(1)">x</a>';
    const clean = sanitizeContentHtml(raw);
    expect(clean).not.toMatch(/script|style|onclick|form|input|javascript/);
    expect(clean).toContain('<p>Hi</p>');
    expect(checkRawHtml(raw)).toEqual([
      { lineOffset: 0, message: 'raw HTML <script> is removed: it is not in the allowed subset' },
      { lineOffset: 0, message: 'raw HTML <style> is removed: it is not in the allowed subset' },
      { lineOffset: 1, message: 'attribute style on <p> is removed' },
      { lineOffset: 1, message: 'attribute onclick on <p> is removed' },
      { lineOffset: 1, message: 'raw HTML <form> is removed: it is not in the allowed subset' },
      { lineOffset: 1, message: 'raw HTML <input> is removed: it is not in the allowed subset' },
    ]);
  });

  it('allows an iframe only with a title and from a video host the CSP allows', () => {
    const good = '<iframe title="A video about iQTS" src="https://www.youtube-nocookie.com/embed/x"></iframe>';
    expect(checkRawHtml(good)).toEqual([]);
    expect(sanitizeContentHtml(good)).toBe(good);
    expect(checkRawHtml('<iframe src="https://evil.example/x"></iframe>').map((f) => f.message)).toEqual([
      '<iframe> needs a title that says what it shows',
      expect.stringMatching(/<iframe> is removed: its src must be https on www.youtube-nocookie.com/),
    ]);
    expect(sanitizeContentHtml('<iframe title="x" src="https://evil.example/x"></iframe>')).not.toContain('evil');
  });

  it('images only from this site, with alt text', () => {
    expect(checkRawHtml('<img src="https://elsewhere.example/a.png">').map((f) => f.message)).toEqual([
      '<img> needs alt text (alt="" if decorative)',
      '<img> src must be a path on this site (/…): other images are blocked',
    ]);
    expect(sanitizeContentHtml('<img src="https://elsewhere.example/a.png" alt="x">')).toBe('<img alt="x" />');
  });
});
