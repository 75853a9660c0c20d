import { createRouter, jsonBody, jsonResponse, route, z } from '../http/openapi.ts';
import * as options from './catalog-options.ts';
import * as S from './schema.ts';
import { productMembers, studioMembers } from './studio-access.ts';

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
      middleware: productMembers,
      request: { params: ProductParam, body: jsonBody(S.OptionGroupCreate) },
      responses: { 201: jsonResponse(S.ProductOut, 'Created') },
    }),
    async (c) => {
      const { productId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx, { id: accountId }) =>
        options.addGroup(tx, accountId, productId, input, access.actor),
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
      middleware: productMembers,
      request: { params: GroupParam, body: jsonBody(S.OptionGroupPatch) },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, groupId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx, { id: accountId }) =>
        options.updateGroup(tx, accountId, productId, groupId, patch, access.actor),
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
      middleware: productMembers,
      request: { params: GroupParam },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, groupId } = c.req.valid('param');
      const { access } = c.var;
      const out = await access.tx((tx, { id: accountId }) =>
        options.deleteGroup(tx, accountId, productId, groupId, access.actor),
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
      middleware: productMembers,
      request: { params: GroupParam, body: jsonBody(S.OptionValueCreate) },
      responses: { 201: jsonResponse(S.ProductOut, 'Created') },
    }),
    async (c) => {
      const { productId, groupId } = c.req.valid('param');
      const input = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx, { id: accountId }) =>
        options.addValue(tx, accountId, productId, groupId, input, access.actor),
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
      middleware: productMembers,
      request: { params: ValueParam, body: jsonBody(S.OptionValuePatch) },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, valueId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx, { id: accountId }) =>
        options.updateValue(tx, accountId, productId, valueId, patch, access.actor),
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
      middleware: productMembers,
      request: { params: ValueParam },
      responses: { 200: jsonResponse(S.ProductOut) },
    }),
    async (c) => {
      const { productId, valueId } = c.req.valid('param');
      const { access } = c.var;
      const out = await access.tx((tx, { id: accountId }) =>
        options.deleteValue(tx, accountId, productId, valueId, access.actor),
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
      middleware: studioMembers,
      request: { params: SheetParam, body: jsonBody(S.PriceSheetPatch) },
      responses: { 200: jsonResponse(S.PriceSheetOut) },
    }),
    async (c) => {
      const { accountId, sheetId } = c.req.valid('param');
      const patch = c.req.valid('json');
      const { access } = c.var;
      const out = await access.tx((tx) => options.updatePriceSheet(tx, accountId, sheetId, patch, access.actor));
      return c.json(out, 200);
    },
  )
  .openapi(
    route({
      method: 'delete',
      path: '/shop/studios/{accountId}/price-sheets/{sheetId}',
      tags,
      summary: 'Delete a price sheet (its galleries fall back to the default sheet)',
      middleware: studioMembers,
      request: { params: SheetParam },
      responses: noContent,
    }),
    async (c) => {
      const { accountId, sheetId } = c.req.valid('param');
      const { access } = c.var;
      await access.tx((tx) => options.deletePriceSheet(tx, accountId, sheetId, access.actor));
      return c.body(null, 204);
    },
  );
