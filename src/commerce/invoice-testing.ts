import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/** A PDF's text as a reader would copy it, one string per page (lines joined by newlines); for tests. */
export async function pdfPages(bytes: Uint8Array): Promise<string[]> {
  // pdf.js detaches the buffer it is given, so it gets a copy.
  const doc = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, useSystemFonts: false }).promise;
  const pages: string[] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    pages.push(content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : '') : '')).join(''));
  }
  await doc.destroy();
  return pages;
}
