/**
 * A minimal PDF 1.4 writer: one or more A4 pages of Helvetica text lines. Enough for invoices without a
 * dependency; text is limited to Latin-1 (other characters become `?`).
 */
export function renderTextPdf(lines: Array<{ text: string; size?: number; bold?: boolean }>): Buffer {
  const pageHeight = 842;
  const top = 790;
  const bottom = 60;
  const pages: string[] = [];
  let ops: string[] = [];
  let y = top;
  for (const l of lines) {
    const size = l.size ?? 11;
    const step = Math.round(size * 1.5);
    if (y - step < bottom) {
      pages.push(ops.join('\n'));
      ops = [];
      y = top;
    }
    y -= step;
    ops.push(`BT /${l.bold ? 'F2' : 'F1'} ${size} Tf 50 ${y} Td (${escapePdfText(l.text)}) Tj ET`);
  }
  pages.push(ops.join('\n'));

  // Object numbers: 1 catalog, 2 pages, 3 and 4 fonts, then a page and its content stream per page.
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${5 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  pages.forEach((content, i) => {
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 ${pageHeight}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${6 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  });

  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

function escapePdfText(s: string): string {
  return s
    .replace(/[^\x20-\x7e\xa0-\xff]/g, '?')
    .replace(/\\/g, '\\\\')
    .replace(/\(/g, '\\(')
    .replace(/\)/g, '\\)');
}
