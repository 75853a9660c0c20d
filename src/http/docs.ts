/** Renders a self-contained API reference page from the OpenAPI document (no CDN: works offline). */
export function renderApiDocs(spec: any): string {
  const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const groups = new Map<string, string[]>();
  for (const [path, ops] of Object.entries<any>(spec.paths ?? {})) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const tag = op.tags?.[0] ?? 'Other';
      const params = (op.parameters ?? [])
        .map((p: any) => `<li><code>${esc(p.name)}</code> <em>${esc(p.in)}</em>${p.required ? ' (required)' : ''}</li>`)
        .join('');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries<any>(op.responses ?? {})
        .map(([code, r]) => `<li><code>${esc(code)}</code> ${esc(r.description)}</li>`)
        .join('');
      const html = `<details class="op"><summary><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span>
        <code>/api${esc(path)}</code> <span class="s">${esc(op.summary)}</span></summary>
        ${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ''}
        ${body ? `<h4>JSON body</h4><pre>${esc(JSON.stringify(resolve(spec, body), null, 2))}</pre>` : ''}
        <h4>Responses</h4><ul>${responses}</ul></details>`;
      groups.set(tag, [...(groups.get(tag) ?? []), html]);
    }
  }
  const sections = [...groups.entries()]
    .map(([tag, ops]) => `<section><h2 id="${esc(tag)}">${esc(tag)}</h2>${ops.join('')}</section>`)
    .join('');
  const nav = [...groups.keys()].map((t) => `<a href="#${esc(t)}">${esc(t)}</a>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(spec.info?.title)} API reference</title><style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1c1917;background:#fafaf9}
header{padding:24px 32px;background:#fff;border-bottom:1px solid #e7e5e4}main{max-width:980px;margin:0 auto;padding:16px 32px}
nav a{margin-right:12px;color:#9a3412}.op{background:#fff;border:1px solid #e7e5e4;border-radius:8px;margin:8px 0;padding:8px 12px}
summary{cursor:pointer}.m{display:inline-block;min-width:64px;font-weight:600;font-size:12px}.get{color:#15803d}.post{color:#1d4ed8}
.delete{color:#b91c1c}.patch,.put{color:#a16207}.s{color:#57534e}pre{background:#f5f5f4;padding:8px;border-radius:6px;overflow:auto;font-size:12px}
</style></head><body><header><h1>${esc(spec.info?.title)} API <small>${esc(spec.info?.version)}</small></h1>
<p>${esc(spec.info?.description)} Machine-readable spec: <a href="/api/openapi.json">/api/openapi.json</a>.</p><nav>${nav}</nav></header>
<main>${sections}</main></body></html>`;
}

function resolve(spec: any, schema: any, depth = 0): any {
  if (depth > 6 || !schema || typeof schema !== 'object') return schema;
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop()!;
    return resolve(spec, spec.components?.schemas?.[name], depth + 1);
  }
  if (Array.isArray(schema)) return schema.map((s) => resolve(spec, s, depth + 1));
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolve(spec, v, depth + 1)]));
}
