import type { BadgeTone } from '../../components/ui/index.ts';
import type { Artwork } from './api.ts';

// Minor units as money (240000 eur → €2,400.00): the orders formatter, which knows each currency's decimals.
export { formatMoney } from '../orders/money.ts';

/** "90 × 120 cm" (with depth when given), or null. */
export function formatSize(a: Pick<Artwork, 'widthMm' | 'heightMm' | 'depthMm'>): string | null {
  if (!a.widthMm || !a.heightMm) return null;
  const cm = (mm: number) => String(Math.round(mm / 10));
  return (
    [a.widthMm, a.heightMm, a.depthMm]
      .filter((v): v is number => Boolean(v))
      .map(cm)
      .join(' × ') + ' cm'
  );
}

/** "mixed_media" → "Mixed media". */
export function mediumLabel(m: string): string {
  const s = m.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** An artwork's status as a badge colour (here, not with the artist's dashboard, so the storefront needn't load it). */
export const statusTone: Record<Artwork['status'], BadgeTone> = {
  draft: 'neutral',
  submitted: 'info',
  published: 'success',
  rejected: 'danger',
  reserved: 'warning',
  sold: 'violet',
};
