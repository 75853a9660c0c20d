import { invalid } from './errors.ts';
import { inRange } from './params.ts';
import type { Obj, Rec } from './state.ts';

/** Stripe list object from newest-first records, honouring limit/starting_after/ending_before/created. */
export function listResponse(url: string, recs: Rec[], params: Obj): Obj {
  const items = params.created ? recs.filter((r) => inRange(r.obj.created, params.created)) : recs;
  return paginate(
    url,
    items.map((r) => r.obj),
    params,
  );
}

/** Paginates an already-ordered (newest first) array of objects with ids. */
export function paginate(url: string, items: Obj[], params: Obj): Obj {
  const limit: number = params.limit ?? 10;
  if (params.starting_after && params.ending_before) {
    throw invalid('You may only specify one of these parameters: ending_before, starting_after.', 'ending_before');
  }
  let data: Obj[];
  let hasMore: boolean;
  if (params.ending_before) {
    const idx = indexOrThrow(items, params.ending_before, 'ending_before');
    const start = Math.max(0, idx - limit);
    data = items.slice(start, idx);
    hasMore = start > 0;
  } else {
    const idx = params.starting_after ? indexOrThrow(items, params.starting_after, 'starting_after') + 1 : 0;
    data = items.slice(idx, idx + limit);
    hasMore = idx + limit < items.length;
  }
  return { object: 'list', data, has_more: hasMore, url };
}

function indexOrThrow(items: Obj[], id: string, param: string): number {
  const idx = items.findIndex((o) => o.id === id);
  if (idx < 0) throw invalid(`No such object: '${id}'`, param, 'resource_missing');
  return idx;
}
