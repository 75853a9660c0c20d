import { type RawBuilder, sql } from 'kysely';
import type { OrderItem } from '../commerce/index.ts';
import type { DB } from '../db/types.ts';
import type { Crop } from './tables.ts';

/** One ordered print as the studio and the buyer see it: which photo, which product and options, which crop. */
export interface PrintLine {
  id: string;
  position: number;
  name: string;
  photoId: string | null;
  filename: string | null;
  thumbUrl: string | null;
  productId: string | null;
  productName: string | null;
  options: string[];
  crop: Crop | null;
  quantity: number;
  unitAmount: number;
  lineTotal: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const uuid = (v: unknown): string | null => {
  const s = str(v);
  return s && /^[0-9a-f-]{36}$/i.test(s) ? s : null;
};

function cropOf(v: unknown): Crop | null {
  if (!v || typeof v !== 'object') return null;
  const c = v as Record<string, unknown>;
  const n = ['x', 'y', 'width', 'height'].map((k) => c[k]);
  if (!n.every((x) => typeof x === 'number' && Number.isFinite(x))) return null;
  return { x: c.x as number, y: c.y as number, width: c.width as number, height: c.height as number };
}

/** A catalog name an order line points at: a photo's filename, a product's name or an option value's label. */
export interface CatalogName {
  kind: 'photo' | 'product' | 'value';
  id: string;
  text: string;
}

/** The query for the catalog names behind order lines: one round trip for the three lookups, or part of a larger one. */
export function catalogNamesOf(items: OrderItem[]): RawBuilder<CatalogName> {
  const photoIds = [...new Set(items.map((i) => uuid(i.options.photoId)).filter((x): x is string => !!x))];
  const productIds = [...new Set(items.map((i) => uuid(i.options.productId)).filter((x): x is string => !!x))];
  const valueIds = [
    ...new Set(
      items.flatMap((i) => (Array.isArray(i.options.optionValueIds) ? i.options.optionValueIds.map(uuid) : [])),
    ),
  ].filter((x): x is string => !!x);
  // Arrays, not `in` lists, so the text is the same for any number of lines and its prepared plan is reused.
  return sql<CatalogName>`
    select 'photo' as kind, id, filename as text from gallery_photos where id = any(${photoIds}::uuid[])
    union all select 'product', id, name from print_products where id = any(${productIds}::uuid[])
    union all select 'value', id, label from print_option_values where id = any(${valueIds}::uuid[])`;
}

/**
 * Resolves the photo, product and option labels behind stored order lines. Names come from the catalog as it is
 * now, falling back to the line's own name, which was frozen at checkout, if something has since been deleted.
 */
export async function describePrintLines(
  db: DB,
  items: OrderItem[],
  galleryToken: string | null,
): Promise<PrintLine[]> {
  const { rows } = await catalogNamesOf(items).execute(db);
  return printLinesFrom(items, rows, galleryToken);
}

/** describePrintLines with the names already read (catalogNamesOf, inside a caller's statement). */
export function printLinesFrom(items: OrderItem[], names: CatalogName[], galleryToken: string | null): PrintLine[] {
  const of = (kind: string) => names.filter((n) => n.kind === kind);
  const photos = of('photo').map((n) => ({ id: n.id, filename: n.text }));
  const products = of('product').map((n) => ({ id: n.id, name: n.text }));
  const values = of('value').map((n) => ({ id: n.id, label: n.text }));
  const photo = new Map(photos.map((p) => [p.id, p.filename]));
  const product = new Map(products.map((p) => [p.id, p.name]));
  const label = new Map(values.map((v) => [v.id, v.label]));
  return items.map((i) => {
    const photoId = uuid(i.options.photoId);
    const productId = uuid(i.options.productId);
    const ids = Array.isArray(i.options.optionValueIds) ? i.options.optionValueIds.map(uuid) : [];
    const frozen = i.name.split(' · ');
    const options = ids.length
      ? ids.map((id, n) => (id && label.get(id)) ?? frozen[n + 1] ?? 'Option')
      : frozen.slice(1);
    return {
      id: i.id,
      position: i.position,
      name: i.name,
      photoId,
      filename: (photoId && photo.get(photoId)) ?? null,
      thumbUrl:
        photoId && galleryToken && photo.has(photoId) ? `/api/shop/media/${galleryToken}/${photoId}/thumb` : null,
      productId,
      productName: (productId && product.get(productId)) ?? frozen[0] ?? null,
      options,
      crop: cropOf(i.options.crop),
      quantity: i.quantity,
      unitAmount: i.unitAmount,
      lineTotal: i.lineTotal,
    };
  });
}

/** A crop as one line of text for emails and packing notes; null when the whole frame is printed. */
export function cropNote(crop: Crop | null): string | null {
  if (!crop) return null;
  if (crop.x <= 0.001 && crop.y <= 0.001 && crop.width >= 0.999 && crop.height >= 0.999) return null;
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  return `Cropped to ${pct(crop.width)} × ${pct(crop.height)} of the frame, from ${pct(crop.x)} left, ${pct(crop.y)} top`;
}

/** A shipping address as stored on the fulfilment, one line per part. */
export function addressLines(a: Record<string, string | null> | null, name?: string | null): string[] {
  if (!a) return [];
  const cityLine = [a.postal_code, a.city].filter(Boolean).join(' ');
  return [name ?? a.name, a.line1, a.line2, cityLine, a.state, a.country].filter((x): x is string => !!x);
}
