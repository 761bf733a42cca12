import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { certificatePdf } from '../../src/features/award/certificate.ts';
import type { Award } from '../../src/features/award/repository.ts';
import { fromRoot } from '../../src/shared/paths.ts';

/** jsqr is CommonJS with a default export: the function sits on `default` or is the module. */
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ?? jsQRModule) as unknown as Decode;

const award: Award = {
  id: 1,
  traineeId: 1,
  trn: '4821937',
  name: 'Adaeze Ọkafor-Smith',
  dateOfBirth: '1992-06-14',
  outcomeDate: '2027-07-01',
  route: 'International Qualified Teacher Status',
  trainingCountry: 'NG',
  providerName: 'Sample Provider Worldwide Online',
  ageRange: '11 to 16',
  subjects: ['Mathematics', 'Physics'],
  verifyCode: 'Zm9vYmFyYmF6cXV4cXV1eA',
  awardedAt: '2027-07-10T10:00:00.000Z',
  revokedAt: null,
  revokeReason: null,
};

async function pdfText(bytes: Uint8Array): Promise<string> {
  const doc = await getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    standardFontDataUrl: `${fromRoot('node_modules/pdfjs-dist/standard_fonts')}/`,
  }).promise;
  const page = await doc.getPage(1);
  const content = await page.getTextContent();
  return content.items.map((i) => ('str' in i ? i.str : '')).join('\n');
}

describe('the certificate', () => {
  it('has the name, TRN, both awards, the date, provider, country and verification link as text', async () => {
    const bytes = await certificatePdf(award, 'https://iqts.example.gov.uk/');
    const text = await pdfText(bytes);
    for (const expected of [
      'Adaeze Okafor-Smith',
      '4821937',
      'International Qualified Teacher Status',
      'Qualified Teacher Status (QTS)',
      '1 July 2027',
      'Sample Provider Worldwide Online',
      'Nigeria',
      'Mathematics, Physics',
      'https://iqts.example.gov.uk/verify/Zm9vYmFyYmF6cXV4cXV1eA',
    ])
      expect(text, expected).toContain(expected);
    // Nothing the certificate need not show.
    expect(text).not.toContain('1992');
  });

  it('its QR code, rendered, decodes to the verification link', async () => {
    const bytes = await certificatePdf(award, 'https://iqts.example.gov.uk');
    const dir = mkdtempSync(join(tmpdir(), 'certificate-'));
    try {
      writeFileSync(join(dir, 'c.pdf'), bytes);
      // poppler-utils (pdftoppm) renders the page as a reader would see it.
      execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', join(dir, 'c.pdf'), join(dir, 'c')]);
      const png = PNG.sync.read(readFileSync(join(dir, 'c.png')));
      const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
      expect(code?.data).toBe('https://iqts.example.gov.uk/verify/Zm9vYmFyYmF6cXV4cXV1eA');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
