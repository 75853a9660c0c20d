import { invalid } from './errors.ts';
import { inRange } from './params.ts';
import type { Obj, Rec } from './state.ts';

/** Stripe list object from newest-first records, honouring limit/starting_after/ending_before/created. */
export function listResponse(url: string, recs: Rec[], params: Obj): Obj {
  const items = params.created ? recs.filter((r) => inRange(r.obj.created, params.created)) : recs;
  // Pages the records first, so only the page's objects are picked out, not every record's.
  const page = pageOf(items, (r) => r.id, params);
  return { object: 'list', data: page.data.map((r) => r.obj), has_more: page.hasMore, url };
}

/** Paginates an already-ordered (newest first) array of objects with ids. */
export function paginate(url: string, items: Obj[], params: Obj): Obj {
  const page = pageOf(items, (o) => o.id, params);
  return { object: 'list', data: page.data, has_more: page.hasMore, url };
}

function pageOf<T>(items: T[], idOf: (item: T) => string, params: Obj): { data: T[]; hasMore: boolean } {
  const limit: number = params.limit ?? 10;
  if (params.starting_after && params.ending_before) {
    throw invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  if (params.ending_before) {
    const idx = indexOrThrow(items, idOf, params.ending_before, 'ending_before');
    const start = Math.max(0, idx - limit);
    return { data: items.slice(start, idx), hasMore: start > 0 };
  }
  const idx = params.starting_after ? indexOrThrow(items, idOf, params.starting_after, 'starting_after') + 1 : 0;
  return { data: items.slice(idx, idx + limit), hasMore: idx + limit < items.length };
}

function indexOrThrow<T>(items: T[], idOf: (item: T) => string, id: string, param: string): number {
  const idx = items.findIndex((o) => idOf(o) === id);
  if (idx < 0) throw invalid(`No such object: '${id}'`, param, 'resource_missing');
  return idx;
}
