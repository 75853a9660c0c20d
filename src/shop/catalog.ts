import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import type { PricedProduct } from './pricing.ts';
import type { ProductInputT } from './schema.ts';

/** A catalog product with its option groups and values, as the API and pricing see it. */
export interface Product {
  id: string;
  accountId: string;
  sku: string;
  name: string;
  description: string;
  basePrice: number;
  active: boolean;
  groups: Array<{
    id: string;
    name: string;
    values: Array<{
      id: string;
      label: string;
      priceAdjustment: number;
      minWidthPx: number | null;
      minHeightPx: number | null;
      aspectRatio: string | null;
    }>;
  }>;
}

const invalid = (field: string, msg: string) =>
  new AppError('validation_failed', msg, { fieldErrors: { [field]: [msg] }, formErrors: [] });

/** Loads products (with groups and values) by account and optional ids. */
export async function loadProducts(db: DB, accountId: string, ids?: string[]): Promise<Product[]> {
  if (ids && ids.length === 0) return [];
  let q = db.selectFrom('print_products').selectAll().where('account_id', '=', accountId);
  if (ids) q = q.where('id', 'in', ids);
  const products = await q.orderBy('name').orderBy('id').execute();
  if (!products.length) return [];
  const pids = products.map((p) => p.id);
  const groups = await db
    .selectFrom('print_option_groups')
    .selectAll()
    .where('product_id', 'in', pids)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const values = groups.length
    ? await db
        .selectFrom('print_option_values')
        .selectAll()
        .where(
          'group_id',
          'in',
          groups.map((g) => g.id),
        )
        .orderBy('position')
        .orderBy('id')
        .execute()
    : [];
  return products.map((p) => ({
    id: p.id,
    accountId: p.account_id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    basePrice: Number(p.base_price),
    active: p.active,
    groups: groups
      .filter((g) => g.product_id === p.id)
      .map((g) => ({
        id: g.id,
        name: g.name,
        values: values
          .filter((v) => v.group_id === g.id)
          .map((v) => ({
            id: v.id,
            label: v.label,
            priceAdjustment: Number(v.price_adjustment),
            minWidthPx: v.min_width_px,
            minHeightPx: v.min_height_px,
            aspectRatio: v.aspect_ratio,
          })),
      })),
  }));
}

/** One product of a studio, or 404. */
export async function getProduct(db: DB, accountId: string, id: string): Promise<Product> {
  const [p] = await loadProducts(db, accountId, [id]);
  if (!p) throw notFound('Product');
  return p;
}

/** The account a product belongs to, as visible to the caller (RLS), or 404. */
export async function productAccount(db: DB, id: string): Promise<string> {
  const r = await db.selectFrom('print_products').select('account_id').where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('Product');
  return r.account_id;
}

/** The studio of the product in a route's `{productId}` (RLS; 404 otherwise): an `accountRole({ from })` lookup. */
export function productParamAccount(db: DB, params: Record<string, string>): Promise<string> {
  return productAccount(db, params.productId);
}

/** Every combination must cost something: the cheapest pick per group plus the base stays above zero. */
export function checkPrices(basePrice: number, groups: Array<{ values: Array<{ priceAdjustment: number }> }>) {
  const cheapest = groups.reduce((s, g) => s + Math.min(...g.values.map((v) => v.priceAdjustment)), basePrice);
  if (cheapest <= 0) throw invalid('groups', 'The cheapest option combination must cost more than zero');
}

/** Creates a product with its option groups and values. */
export async function createProduct(db: DB, accountId: string, input: ProductInputT): Promise<Product> {
  checkPrices(input.basePrice, input.groups);
  const dup = await db
    .selectFrom('print_products')
    .select('id')
    .where('account_id', '=', accountId)
    .where('sku', '=', input.sku)
    .executeTakeFirst();
  if (dup)
    throw new AppError('conflict', 'A product with this SKU exists', {
      fieldErrors: { sku: ['Taken'] },
      formErrors: [],
    });
  const p = await db
    .insertInto('print_products')
    .values({
      account_id: accountId,
      sku: input.sku,
      name: input.name,
      description: input.description,
      base_price: input.basePrice,
      active: input.active,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [gi, g] of input.groups.entries()) {
    const group = await db
      .insertInto('print_option_groups')
      .values({ product_id: p.id, account_id: accountId, name: g.name, position: gi })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('print_option_values')
      .values(
        g.values.map((v, vi) => ({
          group_id: group.id,
          account_id: accountId,
          label: v.label,
          price_adjustment: v.priceAdjustment,
          min_width_px: v.minWidthPx,
          min_height_px: v.minHeightPx,
          aspect_ratio: v.aspectRatio,
          position: vi,
        })),
      )
      .execute();
  }
  return getProduct(db, accountId, p.id);
}

/** Changes a product's own fields (options are fixed once carts may reference them). */
export async function updateProduct(
  db: DB,
  accountId: string,
  id: string,
  patch: { name?: string; description?: string; basePrice?: number; active?: boolean },
): Promise<Product> {
  const p = await getProduct(db, accountId, id);
  if (patch.basePrice !== undefined) checkPrices(patch.basePrice, p.groups);
  const set = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.basePrice !== undefined ? { base_price: patch.basePrice } : {}),
    ...(patch.active !== undefined ? { active: patch.active } : {}),
  };
  if (Object.keys(set).length) await db.updateTable('print_products').set(set).where('id', '=', id).execute();
  return getProduct(db, accountId, id);
}

/** Deletes a product (cart lines holding it go too). */
export async function deleteProduct(db: DB, accountId: string, id: string): Promise<void> {
  const r = await db
    .deleteFrom('print_products')
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!r.numDeletedRows) throw notFound('Product');
}

/** A studio's price sheets with their product ids. */
export async function listPriceSheets(db: DB, accountId: string) {
  const sheets = await db
    .selectFrom('price_sheets')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('name')
    .execute();
  const links = await db.selectFrom('price_sheet_products').selectAll().where('account_id', '=', accountId).execute();
  return sheets.map((s) => ({
    id: s.id,
    name: s.name,
    isDefault: s.is_default,
    productIds: links.filter((l) => l.sheet_id === s.id).map((l) => l.product_id),
  }));
}

/** Creates a price sheet; making it the default demotes the previous default. */
export async function createPriceSheet(
  db: DB,
  accountId: string,
  input: { name: string; isDefault: boolean; productIds: string[] },
) {
  const ids = [...new Set(input.productIds)];
  const found = await loadProducts(db, accountId, ids);
  if (found.length !== ids.length) throw invalid('productIds', 'Unknown product');
  if (input.isDefault) {
    await db.updateTable('price_sheets').set({ is_default: false }).where('account_id', '=', accountId).execute();
  }
  const s = await db
    .insertInto('price_sheets')
    .values({ account_id: accountId, name: input.name, is_default: input.isDefault })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (ids.length) {
    await db
      .insertInto('price_sheet_products')
      .values(ids.map((product_id) => ({ sheet_id: s.id, product_id, account_id: accountId })))
      .execute();
  }
  return { id: s.id, name: input.name, isDefault: input.isDefault, productIds: ids };
}

/** The active products a gallery sells: its price sheet, else the studio default sheet, else all. */
export async function galleryProducts(db: DB, gallery: { account_id: string; price_sheet_id: string | null }) {
  const sheet =
    gallery.price_sheet_id ??
    (
      await db
        .selectFrom('price_sheets')
        .select('id')
        .where('account_id', '=', gallery.account_id)
        .where('is_default', '=', true)
        .executeTakeFirst()
    )?.id;
  let ids: string[] | undefined;
  if (sheet) {
    const rows = await db
      .selectFrom('price_sheet_products')
      .select('product_id')
      .where('sheet_id', '=', sheet)
      .execute();
    ids = rows.map((r) => r.product_id);
  }
  return (await loadProducts(db, gallery.account_id, ids)).filter((p) => p.active);
}

/** Hides option values (sizes) whose minimum pixel size the photo cannot meet, then groups left empty. */
export function fitCatalogToPhoto(products: Product[], photo: { width: number; height: number }): Product[] {
  const long = Math.max(photo.width, photo.height);
  const short = Math.min(photo.width, photo.height);
  // Orientation is free (prints can be portrait or landscape), so compare long to long and short to short.
  const fits = (v: Product['groups'][number]['values'][number]) => {
    const need = [v.minWidthPx ?? 0, v.minHeightPx ?? 0];
    return Math.max(...need) <= long && Math.min(...need) <= short;
  };
  return products
    .map((p) => ({ ...p, groups: p.groups.map((g) => ({ ...g, values: g.values.filter(fits) })) }))
    .filter((p) => p.groups.every((g) => g.values.length > 0));
}

/** A product trimmed to what pricing needs. */
export const pricedProduct = (p: Product): PricedProduct => ({
  id: p.id,
  name: p.name,
  active: p.active,
  basePrice: p.basePrice,
  groups: p.groups,
});
