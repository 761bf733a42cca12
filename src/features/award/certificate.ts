import type { PDFFont } from 'pdf-lib';
import { govukDate } from '../../shared/dates.ts';
import { countryName } from '../../shared/format.ts';
import type { Award } from './repository.ts';

/**
 * The teacher's certificate: one A4 page, real text (selectable, and read in order by a
 * screen reader; pdf-lib writes no structure tags, so the document carries its title and
 * language), and the verification link with its QR code drawn as vector squares.
 */
export const verifyUrl = (serviceUrl: string, code: string) => `${serviceUrl.replace(/\/+$/, '')}/verify/${code}`;

/** The standard fonts encode Windows-1252 only: other letters lose their accents, never the whole name. */
export function encodable(font: PDFFont, text: string): string {
  const supported = new Set(font.getCharacterSet());
  return [...text]
    .map((c) => {
      if (supported.has(c.codePointAt(0)!)) return c;
      const plain = c.normalize('NFD').replace(/\p{M}/gu, '');
      return [...plain].every((p) => supported.has(p.codePointAt(0)!)) ? plain : '?';
    })
    .join('');
}

export async function certificatePdf(award: Award, serviceUrl: string, now = new Date()): Promise<Uint8Array> {
  // Loaded on the first certificate, not at start-up: most processes never make one (memory).
  const [{ PDFDocument, rgb, StandardFonts }, { default: QRCode }] = await Promise.all([
    import('pdf-lib'),
    import('qrcode'),
  ]);
  const url = verifyUrl(serviceUrl, award.verifyCode);
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Certificate of international qualified teacher status: ${award.name}`, { showInWindowTitleBar: true });
  pdf.setSubject('International Qualified Teacher Status and Qualified Teacher Status');
  pdf.setLanguage('en-GB');
  pdf.setCreator('Get international qualified teacher status (iQTS)');
  pdf.setCreationDate(now);
  pdf.setModificationDate(now);
  const page = pdf.addPage([595.28, 841.89]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const black = rgb(0.043, 0.047, 0.047);
  const width = page.getWidth();
  const margin = 56;
  let y = 770;

  const line = (text: string, size: number, font = regular, gap = 10) => {
    const safe = encodable(font, text);
    let s = size;
    while (s > 8 && font.widthOfTextAtSize(safe, s) > width - 2 * margin) s -= 1;
    page.drawText(safe, { x: margin, y, size: s, font, color: black });
    y -= s + gap;
  };

  page.drawRectangle({
    x: 28,
    y: 28,
    width: width - 56,
    height: 841.89 - 56,
    borderColor: black,
    borderWidth: 2,
  });
  line('Certificate of award', 14, regular, 18);
  line('International Qualified Teacher Status', 24, bold, 8);
  line('and Qualified Teacher Status', 24, bold, 30);
  line('This certifies that', 14, regular, 22);
  line(award.name, 28, bold, 20);
  line('has been awarded International Qualified Teacher Status (iQTS)', 14, regular, 8);
  line(`and holds Qualified Teacher Status (QTS) from ${govukDate(award.outcomeDate)}.`, 14, regular, 30);

  const facts: [string, string][] = [
    ['Teacher reference number (TRN)', award.trn],
    ['Date of award', govukDate(award.outcomeDate)],
    ['Route', award.route],
    ['Training provider', award.providerName],
    ['Training country', countryName(award.trainingCountry)],
    ['Age range', award.ageRange],
    ['Subjects', award.subjects.join(', ')],
  ];
  for (const [key, value] of facts) {
    line(key, 11, regular, 3);
    line(value, 14, bold, 14);
  }

  // The QR code, as vector squares: sharp at any zoom, and the link printed beside it.
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const cell = Math.min(4, 150 / (modules + 8));
  const side = cell * (modules + 8);
  const qx = margin;
  const qy = 60;
  page.drawRectangle({ x: qx, y: qy, width: side, height: side, color: rgb(1, 1, 1) });
  for (let row = 0; row < modules; row++)
    for (let col = 0; col < modules; col++)
      if (qr.modules.get(row, col))
        page.drawRectangle({
          x: qx + (col + 4) * cell,
          y: qy + side - (row + 5) * cell,
          width: cell,
          height: cell,
          color: rgb(0, 0, 0),
        });
  const tx = qx + side + 16;
  page.drawText('Verify this certificate', { x: tx, y: qy + side - 30, size: 12, font: bold, color: black });
  page.drawText('Scan the code, or go to:', { x: tx, y: qy + side - 48, size: 11, font: regular, color: black });
  let size = 10;
  while (size > 6 && regular.widthOfTextAtSize(url, size) > width - margin - tx) size -= 0.5;
  page.drawText(url, { x: tx, y: qy + side - 64, size, font: regular, color: black });
  page.drawText('The link shows the record as it stands today.', {
    x: tx,
    y: qy + side - 82,
    size: 10,
    font: regular,
    color: black,
  });
  return pdf.save();
}
