import type { Actor } from '../audit/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { DB } from '../db/types.ts';
import { AppError, notFound } from '../errors.ts';
import { checkPrices, getProduct, loadProducts, type Product } from './catalog.ts';
import type { OptionValuePatchT, PriceSheetPatchT } from './schema.ts';

type ValueInput = {
  label: string;
  priceAdjustment: number;
  minWidthPx: number | null;
  minHeightPx: number | null;
  aspectRatio: string | null;
};

const invalid = (field: string, msg: string) =>
  new AppError('validation_failed', msg, { fieldErrors: { [field]: [msg] }, formErrors: [] });

// Every option edit re-checks the whole product inside the same transaction, so a bad edit rolls back.
async function finish(db: DB, accountId: string, productId: string, actor: Actor, action: string, before: Product) {
  const after = await getProduct(db, accountId, productId);
  checkPrices(after.basePrice, after.groups);
  await recordAudit(db, actor, {
    accountId,
    action,
    entityType: 'print_product',
    entityId: productId,
    before,
    after,
  });
  return after;
}

function groupOf(p: Product, groupId: string) {
  const g = p.groups.find((x) => x.id === groupId);
  if (!g) throw notFound('Option group');
  return g;
}

function findValue(p: Product, valueId: string) {
  for (const g of p.groups) {
    const v = g.values.find((x) => x.id === valueId);
    if (v) return { group: g, value: v };
  }
  throw notFound('Option value');
}

/** Adds an option group (size, medium, finish…) with its values at the end of a product. */
export async function addGroup(
  db: DB,
  accountId: string,
  productId: string,
  input: { name: string; values: ValueInput[] },
  actor: Actor,
) {
  const before = await getProduct(db, accountId, productId);
  if (before.groups.length >= 10) throw invalid('name', 'A product has at most 10 option groups');
  const { max } = await db
    .selectFrom('print_option_groups')
    .select((eb) => eb.fn.max<number | null>('position').as('max'))
    .where('product_id', '=', productId)
    .executeTakeFirstOrThrow();
  const group = await db
    .insertInto('print_option_groups')
    .values({ product_id: productId, account_id: accountId, name: input.name, position: (max ?? -1) + 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('print_option_values')
    .values(input.values.map((v, i) => valueRow(group.id, accountId, v, i)))
    .execute();
  return finish(db, accountId, productId, actor, 'shop.product.group.add', before);
}

const valueRow = (groupId: string, accountId: string, v: ValueInput, position: number) => ({
  group_id: groupId,
  account_id: accountId,
  label: v.label,
  price_adjustment: v.priceAdjustment,
  min_width_px: v.minWidthPx,
  min_height_px: v.minHeightPx,
  aspect_ratio: v.aspectRatio,
  position,
});

/** Renames or moves an option group. */
export async function updateGroup(
  db: DB,
  accountId: string,
  productId: string,
  groupId: string,
  patch: { name?: string; position?: number },
  actor: Actor,
) {
  const before = await getProduct(db, accountId, productId);
  groupOf(before, groupId);
  const set = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.position !== undefined ? { position: patch.position } : {}),
  };
  if (Object.keys(set).length) await db.updateTable('print_option_groups').set(set).where('id', '=', groupId).execute();
  return finish(db, accountId, productId, actor, 'shop.product.group.update', before);
}

/** Deletes an option group with its values; cart lines that picked one of them become unavailable. */
export async function deleteGroup(db: DB, accountId: string, productId: string, groupId: string, actor: Actor) {
  const before = await getProduct(db, accountId, productId);
  groupOf(before, groupId);
  await db.deleteFrom('print_option_groups').where('id', '=', groupId).execute();
  return finish(db, accountId, productId, actor, 'shop.product.group.delete', before);
}

/** Adds a value (with its price adjustment and minimum pixel size) at the end of a group. */
export async function addValue(
  db: DB,
  accountId: string,
  productId: string,
  groupId: string,
  input: ValueInput,
  actor: Actor,
) {
  const before = await getProduct(db, accountId, productId);
  const g = groupOf(before, groupId);
  if (g.values.length >= 30) throw invalid('label', 'A group has at most 30 values');
  const { max } = await db
    .selectFrom('print_option_values')
    .select((eb) => eb.fn.max<number | null>('position').as('max'))
    .where('group_id', '=', groupId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('print_option_values')
    .values(valueRow(groupId, accountId, input, (max ?? -1) + 1))
    .execute();
  return finish(db, accountId, productId, actor, 'shop.product.value.add', before);
}

/** Changes a value's label, price adjustment, minimum pixel size, aspect ratio or position. */
export async function updateValue(
  db: DB,
  accountId: string,
  productId: string,
  valueId: string,
  patch: OptionValuePatchT,
  actor: Actor,
) {
  const before = await getProduct(db, accountId, productId);
  findValue(before, valueId);
  const set = {
    ...(patch.label !== undefined ? { label: patch.label } : {}),
    ...(patch.priceAdjustment !== undefined ? { price_adjustment: patch.priceAdjustment } : {}),
    ...(patch.minWidthPx !== undefined ? { min_width_px: patch.minWidthPx } : {}),
    ...(patch.minHeightPx !== undefined ? { min_height_px: patch.minHeightPx } : {}),
    ...(patch.aspectRatio !== undefined ? { aspect_ratio: patch.aspectRatio } : {}),
    ...(patch.position !== undefined ? { position: patch.position } : {}),
  };
  if (Object.keys(set).length) await db.updateTable('print_option_values').set(set).where('id', '=', valueId).execute();
  return finish(db, accountId, productId, actor, 'shop.product.value.update', before);
}

/** Deletes a value; the last value of a group cannot go (delete the group instead). */
export async function deleteValue(db: DB, accountId: string, productId: string, valueId: string, actor: Actor) {
  const before = await getProduct(db, accountId, productId);
  const { group } = findValue(before, valueId);
  if (group.values.length === 1) {
    throw new AppError('conflict', 'A group needs at least one value; delete the group instead', {
      fieldErrors: {},
      formErrors: ['A group needs at least one value; delete the group instead'],
    });
  }
  await db.deleteFrom('print_option_values').where('id', '=', valueId).execute();
  return finish(db, accountId, productId, actor, 'shop.product.value.delete', before);
}

/** One price sheet of a studio, or 404. */
export async function getPriceSheet(db: DB, accountId: string, id: string) {
  const s = await db
    .selectFrom('price_sheets')
    .selectAll()
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (!s) throw notFound('Price sheet');
  const links = await db.selectFrom('price_sheet_products').select('product_id').where('sheet_id', '=', id).execute();
  return { id: s.id, name: s.name, isDefault: s.is_default, productIds: links.map((l) => l.product_id) };
}

/** Renames a price sheet, makes it the studio default, or replaces its products. */
export async function updatePriceSheet(db: DB, accountId: string, id: string, patch: PriceSheetPatchT, actor: Actor) {
  const before = await getPriceSheet(db, accountId, id);
  if (patch.productIds) {
    const ids = [...new Set(patch.productIds)];
    const found = await loadProducts(db, accountId, ids);
    if (found.length !== ids.length) throw invalid('productIds', 'Unknown product');
    await db.deleteFrom('price_sheet_products').where('sheet_id', '=', id).execute();
    if (ids.length) {
      await db
        .insertInto('price_sheet_products')
        .values(ids.map((product_id) => ({ sheet_id: id, product_id, account_id: accountId })))
        .execute();
    }
  }
  if (patch.isDefault === true) {
    // Demote first: the partial unique index allows one default per studio.
    await db
      .updateTable('price_sheets')
      .set({ is_default: false })
      .where('account_id', '=', accountId)
      .where('id', '!=', id)
      .execute();
  }
  const set = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.isDefault !== undefined ? { is_default: patch.isDefault } : {}),
  };
  if (Object.keys(set).length) await db.updateTable('price_sheets').set(set).where('id', '=', id).execute();
  const after = await getPriceSheet(db, accountId, id);
  await recordAudit(db, actor, {
    accountId,
    action: 'shop.price_sheet.update',
    entityType: 'price_sheet',
    entityId: id,
    before,
    after,
  });
  return after;
}

/** Deletes a price sheet; galleries that used it fall back to the studio default. */
export async function deletePriceSheet(db: DB, accountId: string, id: string, actor: Actor): Promise<void> {
  const before = await getPriceSheet(db, accountId, id);
  await db.deleteFrom('price_sheets').where('id', '=', id).execute();
  await recordAudit(db, actor, {
    accountId,
    action: 'shop.price_sheet.delete',
    entityType: 'price_sheet',
    entityId: id,
    before,
  });
}
