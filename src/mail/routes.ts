import { Hono } from 'hono';
import type { DB } from '../db/types.ts';
import { escapeHtml } from './layout.ts';
import { getMail, listMailbox, type MailMessage } from './service.ts';

const pageSize = 25;

const styles = `
*{box-sizing:border-box}
body{margin:0;background:#f4f4f5;color:#18181b;font:14px/1.5 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif}
a{color:#1d4ed8}
header{background:#18181b;color:#fafafa;padding:14px 24px;display:flex;gap:16px;align-items:baseline}
header a{color:#fafafa;text-decoration:none;font:700 18px/1 Georgia,serif}
header span{color:#a1a1aa;font-size:13px}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{font-size:20px;margin:0 0 16px}
form{display:flex;gap:8px;margin:0 0 16px}
input{flex:1;max-width:360px;padding:7px 10px;border:1px solid #d4d4d8;border-radius:6px;font:inherit}
button,.btn{padding:7px 14px;border:1px solid #18181b;border-radius:6px;background:#18181b;color:#fff;font:inherit;cursor:pointer;text-decoration:none}
.btn.secondary{background:#fff;color:#18181b;border-color:#d4d4d8}
.card{background:#fff;border:1px solid #e4e4e7;border-radius:10px;overflow:hidden}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:10px 14px;border-bottom:1px solid #f4f4f5;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#71717a;background:#fafafa}
tr:last-child td{border-bottom:0}
td.subject a{color:#18181b;font-weight:600;text-decoration:none}
td.subject a:hover{text-decoration:underline}
.muted{color:#71717a}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600}
.badge.queued{background:#fef3c7;color:#92400e}.badge.sent{background:#dcfce7;color:#166534}
.badge.captured{background:#dbeafe;color:#1e40af}.badge.failed{background:#fee2e2;color:#991b1b}
.empty{padding:48px 24px;text-align:center;color:#71717a}
.pager{display:flex;justify-content:space-between;align-items:center;margin-top:16px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:6px 16px;margin:0;padding:16px 20px}
dt{color:#71717a}dd{margin:0;word-break:break-word}
h2{font-size:14px;text-transform:uppercase;letter-spacing:.04em;color:#71717a;margin:24px 0 8px}
iframe{display:block;width:100%;height:640px;border:0;background:#fff;resize:vertical}
pre{margin:0;padding:16px 20px;white-space:pre-wrap;word-break:break-word;font:13px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.error{color:#991b1b}
`;

function page(base: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Gallerist dev mailbox</title>
<style>${styles}</style>
</head>
<body>
<header><a href="${base}/mailbox">Gallerist</a><span>Dev mailbox: every outgoing email, including ones not sent over SMTP</span></header>
<main>${body}</main>
</body>
</html>`;
}

function formatTime(d: Date | null): string {
  if (!d) return '<span class="muted">—</span>';
  const iso = d.toISOString();
  return `<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;
}

function badge(status: MailMessage['status']): string {
  return `<span class="badge ${status}">${status}</span>`;
}

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== 1) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Escapes plain text and turns its http(s) URLs into links. */
export function linkifyText(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    // Sentence punctuation right after a URL belongs to the sentence, not the link.
    const url = m[0].replace(/[.,;:!?)\]]+$/, '');
    const at = m.index ?? 0;
    out += escapeHtml(text.slice(last, at));
    out += `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`;
    last = at + url.length;
  }
  return out + escapeHtml(text.slice(last));
}

// Links in the previewed email navigate the whole tab (the sandbox allows that on click), so apps open normally.
function previewDocument(html: string): string {
  const base = '<base target="_top">';
  return /<head(\s[^>]*)?>/i.test(html) ? html.replace(/<head(\s[^>]*)?>/i, (m) => m + base) : base + html;
}

function listPage(
  base: string,
  messages: MailMessage[],
  to: string,
  cursor: string,
  nextCursor: string | null,
): string {
  const filter = `<form method="get" action="${base}/mailbox"><input type="search" name="to" placeholder="Filter by recipient, e.g. buyer@example.com" value="${escapeHtml(to)}"><button type="submit">Filter</button>${to ? `<a class="btn secondary" href="${base}/mailbox">Clear</a>` : ''}</form>`;
  if (messages.length === 0) {
    const what = to ? `No messages to <strong>${escapeHtml(to)}</strong>` : 'No messages yet';
    const hint = cursor
      ? `<p><a href="${base}/mailbox${query({ to })}">Back to the newest</a></p>`
      : '<p>Emails appear here as soon as they are queued.</p>';
    return page(base, 'Mailbox', `<h1>Mailbox</h1>${filter}<div class="card empty"><p>${what}.</p>${hint}</div>`);
  }
  const rows = messages
    .map(
      (m) => `<tr>
<td class="subject"><a href="${base}/mailbox/${m.id}">${escapeHtml(m.subject || '(no subject)')}</a></td>
<td>${escapeHtml(m.to)}</td>
<td class="mono">${escapeHtml(m.template)}</td>
<td>${badge(m.status)}</td>
<td class="muted">${formatTime(m.createdAt)}</td>
</tr>`,
    )
    .join('');
  // Pages go by cursor (mail queued meanwhile never shifts them), so the way back is to the newest page.
  const newest = cursor
    ? `<a class="btn secondary" href="${base}/mailbox${query({ to })}">← Newest</a>`
    : '<span></span>';
  const older = nextCursor
    ? `<a class="btn secondary" href="${base}/mailbox${query({ to, cursor: nextCursor })}">Older →</a>`
    : '<span></span>';
  return page(
    base,
    'Mailbox',
    `<h1>Mailbox</h1>${filter}<div class="card"><table>
<thead><tr><th>Subject</th><th>To</th><th>Template</th><th>Status</th><th>Queued</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<div class="pager">${newest}<span class="muted">${cursor ? 'Older messages' : 'Newest messages'}</span>${older}</div>`,
  );
}

function messagePage(base: string, m: MailMessage): string {
  const meta = `<dl>
<dt>To</dt><dd>${escapeHtml(m.to)}</dd>
<dt>Template</dt><dd class="mono">${escapeHtml(m.template)}</dd>
<dt>Status</dt><dd>${badge(m.status)}${m.attempts > 0 ? ` <span class="muted">after ${m.attempts} attempt${m.attempts === 1 ? '' : 's'}</span>` : ''}</dd>
${m.lastError ? `<dt>Last error</dt><dd class="error mono">${escapeHtml(m.lastError)}</dd>` : ''}
<dt>Queued</dt><dd>${formatTime(m.createdAt)}</dd>
<dt>Sent</dt><dd>${formatTime(m.sentAt)}</dd>
<dt>Id</dt><dd class="mono">${escapeHtml(m.id)}</dd>
</dl>`;
  return page(
    base,
    m.subject,
    `<p><a href="${base}/mailbox">← All messages</a></p>
<h1>${escapeHtml(m.subject || '(no subject)')}</h1>
<div class="card">${meta}</div>
<h2>HTML</h2>
<div class="card"><iframe title="HTML version" sandbox="allow-popups allow-top-navigation-by-user-activation" srcdoc="${escapeHtml(previewDocument(m.html))}"></iframe></div>
<h2>Plain text</h2>
<div class="card"><pre>${linkifyText(m.text)}</pre></div>`,
  );
}

function notFoundPage(base: string): string {
  return page(
    base,
    'Not found',
    `<p><a href="${base}/mailbox">← All messages</a></p><div class="card empty"><h1>Message not found</h1><p>It may have been deleted, or the link is wrong.</p></div>`,
  );
}

// Where the sub-app is mounted (e.g. `/dev`), from the request path, so links work under any prefix.
function mountPath(path: string): string {
  return escapeHtml(path.replace(/\/mailbox(\/[^/]*)?$/, ''));
}

/** Dev mailbox: browse every queued, captured and sent email (mounted at `/dev`). */
export function mailboxRoutes(getDb: () => DB): Hono {
  const app = new Hono();

  app.get('/mailbox.json', async (c) => {
    const to = c.req.query('to') ?? undefined;
    const limit = Number.parseInt(c.req.query('limit') ?? '', 10);
    const cursor = c.req.query('cursor');
    const { data, nextCursor } = await listMailbox(getDb(), {
      to,
      limit: Number.isFinite(limit) ? limit : 100,
      cursor,
    });
    return c.json({
      nextCursor,
      data: data.map((m) => ({
        id: m.id,
        to: m.to,
        subject: m.subject,
        template: m.template,
        status: m.status,
        text: m.text,
        html: m.html,
        createdAt: m.createdAt.toISOString(),
      })),
    });
  });

  app.get('/mailbox', async (c) => {
    const to = (c.req.query('to') ?? '').trim();
    const cursor = c.req.query('cursor') ?? '';
    // A cursor we did not issue is a 400 JSON error (decodeCursor), like every other list's.
    const { data, nextCursor } = await listMailbox(getDb(), { to, limit: pageSize, cursor });
    return c.html(listPage(mountPath(c.req.path), data, to, cursor, nextCursor));
  });

  app.get('/mailbox/:id', async (c) => {
    const message = await getMail(getDb(), c.req.param('id'));
    if (!message) return c.html(notFoundPage(mountPath(c.req.path)), 404);
    return c.html(messagePage(mountPath(c.req.path), message));
  });

  return app;
}
