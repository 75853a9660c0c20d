/** Inline colours for the studio's accent buttons, with black or white text, whichever reads better. */
export function accentStyle(hex: string | null): { backgroundColor: string; color: string } | undefined {
  if (!hex || !/^#[0-9a-f]{6}$/i.test(hex)) return undefined;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // WCAG contrast against white is (1.05)/(L+0.05); against black (L+0.05)/0.05 — pick the larger.
  return {
    backgroundColor: hex,
    color: 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#000000',
  };
}

/** The studio behind a client gallery, as its pages brand themselves. */
export type GalleryStudio = { studioName: string; accentColor: string | null; logoUrl: string | null };

/** The studio from the loaded gallery or, before the PIN, from the refusal that asks for it; null when unknown. */
export function galleryStudio(
  gallery: { studioName: string; accentColor: string | null; logoUrl?: string | null } | undefined,
  error: { details?: Record<string, unknown> | null } | null | undefined,
): GalleryStudio | null {
  if (gallery)
    return { studioName: gallery.studioName, accentColor: gallery.accentColor, logoUrl: gallery.logoUrl ?? null };
  const d = error?.details;
  if (!d || typeof d.studioName !== 'string') return null;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return { studioName: d.studioName, accentColor: text(d.accentColor), logoUrl: text(d.logoUrl) };
}
