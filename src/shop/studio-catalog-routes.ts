import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import * as options from './catalog-options.ts';
import * as S from './schema.ts';
import { asMember, asProductMember } from './studio-access.ts';

const AccountParam = z.object({ accountId: z.uuid('Unknown account') });
const ProductParam = z.object({ productId: z.uuid('Unknown product') });
const GroupParam = ProductParam.extend({ groupId: z.uuid('Unknown option group') });
const ValueParam = ProductParam.extend({ valueId: z.uuid('Unknown option value') });
const SheetParam = AccountParam.extend({ sheetId: z.uuid('Unknown price sheet') });
const noContent = { 204: { description: 'Done' } } as const;
const tags = ['Print shop'];

/** Catalog editing: option groups and values of a product (with price re-checks), and price sheet changes. */
export const studioCatalogRoutes = createRouter()
  .openapi(
    route({
      method: 'post',
      path: '/shop/products/{productId}/groups',
      tags,
      summary: 'Add an option group with its values to a product',
      request: { params: ProductParam, body: jsonBody(S.OptionGroupCreate) },
      responses: { 201: jsonResponse(S.ProductOut, 'Created') },
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const input = c.req.valid('json');
      const out = await asProductMember(c, productId, (tx, accountId, actor) =>
        options.addGroup(tx, accountId, productId, input, actor),
      );
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/products/{productId}/groups/{groupId}',
      tags,
      summary: 'Rename or move an option group',
      request: { params: GroupParam, body: jsonBody(S.OptionGroupPatch) },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, groupId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const out = await asProductMember(c, productId, (tx, accountId, actor) =>
        options.updateGroup(tx, accountId, productId, groupId, patch, actor),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/products/{productId}/groups/{groupId}',
      tags,
      summary: 'Delete an option group and its values',
      request: { params: GroupParam },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, groupId } = c.req.valid('param');
      const out = await asProductMember(c, productId, (tx, accountId, actor) =>
        options.deleteGroup(tx, accountId, productId, groupId, actor),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/shop/products/{productId}/groups/{groupId}/values',
      tags,
      summary: 'Add a value (price adjustment, minimum pixel size) to an option group',
      request: { params: GroupParam, body: jsonBody(S.OptionValueCreate) },
      responses: { 201: jsonResponse(S.ProductOut, 'Created') },
    }),
    async (c) => {
      const { productId, groupId } = c.req.valid('param');
      const input = c.req.valid('json');
      const out = await asProductMember(c, productId, (tx, accountId, actor) =>
        options.addValue(tx, accountId, productId, groupId, input, actor),
      );
      return c.json(out, 201);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/products/{productId}/values/{valueId}',
      tags,
      summary: 'Change an option value',
      request: { params: ValueParam, body: jsonBody(S.OptionValuePatch) },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, valueId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const out = await asProductMember(c, productId, (tx, accountId, actor) =>
        options.updateValue(tx, accountId, productId, valueId, patch, actor),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/products/{productId}/values/{valueId}',
      tags,
      summary: 'Delete an option value (not the last of its group)',
      request: { params: ValueParam },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, valueId } = c.req.valid('param');
      const out = await asProductMember(c, productId, (tx, accountId, actor) =>
        options.deleteValue(tx, accountId, productId, valueId, actor),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'patch',
      path: '/shop/studios/{accountId}/price-sheets/{sheetId}',
      tags,
      summary: 'Rename a price sheet, make it the default, or replace its products',
      request: { params: SheetParam, body: jsonBody(S.PriceSheetPatch) },
      responses: { 200: jsonResponse(S.PriceSheetOut) },
    }),
    async (c) => {
      const { accountId, sheetId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const out = await asMember(c, accountId, 'member', (tx, actor) =>
        options.updatePriceSheet(tx, accountId, sheetId, patch, actor),
      );
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/studios/{accountId}/price-sheets/{sheetId}',
      tags,
      summary: 'Delete a price sheet (its galleries fall back to the default sheet)',
      request: { params: SheetParam },
      responses: noContent,
    }),
    async (c) => {
      const { accountId, sheetId } = c.req.valid('param');
      await asMember(c, accountId, 'member', (tx, actor) => options.deletePriceSheet(tx, accountId, sheetId, actor));
      return c.body(null, 204);
    },
  );
