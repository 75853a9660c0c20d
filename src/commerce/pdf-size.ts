/** A4 in PDF points (kept apart from pdf.ts so page maths doesn't load pdf-lib). */
export const A4 = { width: 595.28, height: 841.89 } as const;
