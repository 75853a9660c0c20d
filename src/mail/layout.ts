import { AppError } from '../errors.ts';

/** The parts of a transactional email; every string is plain text and gets escaped. */
export interface EmailContent {
  /** Inbox preview line, hidden in the body. */
  preheader?: string;
  heading: string;
  paragraphs: string[];
  /** Rendered after the paragraphs and table, with the raw link under it for clients that block buttons. */
  button?: { label: string; url: string };
  /** Key/value rows such as an order summary. */
  table?: { rows: [string, string][] };
  footer?: string;
}

export interface RenderedEmail {
  html: string;
  text: string;
}

const fontStack = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const ink = '#18181b';
const muted = '#71717a';
const line = '#e4e4e7';
const defaultFooter = 'Sent by Gallerist.';

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Rejects anything but http(s) and mailto links so a hostile URL can't become `javascript:`. */
export function safeEmailUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError('validation_failed', 'Email link must be an absolute URL', { url });
  }
  if (!['http:', 'https:', 'mailto:'].includes(parsed.protocol)) {
    throw new AppError('validation_failed', 'Email link must use http, https or mailto', { url });
  }
  return parsed.href;
}

// Keeps paragraph line breaks without letting the text carry markup.
function textToHtml(text: string): string {
  return escapeHtml(text).replace(/\r?\n/g, '<br>');
}

function renderTable(rows: [string, string][]): string {
  const cells = rows
    .map(
      ([key, value], i) =>
        `<tr><td style="padding:10px 12px 10px 0;${i < rows.length - 1 ? `border-bottom:1px solid ${line};` : ''}color:${muted};font-size:14px;line-height:20px;vertical-align:top;">${textToHtml(key)}</td>` +
        `<td align="right" style="padding:10px 0;${i < rows.length - 1 ? `border-bottom:1px solid ${line};` : ''}color:${ink};font-size:14px;line-height:20px;font-weight:600;text-align:right;vertical-align:top;">${textToHtml(value)}</td></tr>`,
    )
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:0 0 24px;border-top:1px solid ${line};border-bottom:1px solid ${line};">${cells}</table>`;
}

function renderButton(label: string, href: string): string {
  const url = escapeHtml(href);
  return (
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 24px;"><tr>` +
    `<td style="border-radius:8px;background:${ink};">` +
    `<a href="${url}" style="display:inline-block;padding:13px 24px;border-radius:8px;font-family:${fontStack};font-size:15px;line-height:18px;font-weight:600;color:#ffffff;text-decoration:none;">${escapeHtml(label)}</a>` +
    `</td></tr></table>` +
    `<p style="margin:0 0 8px;font-size:13px;line-height:20px;color:${muted};">If the button doesn't work, copy this link into your browser:<br>` +
    `<a href="${url}" style="color:${ink};word-break:break-all;">${url}</a></p>`
  );
}

function renderHtml(c: EmailContent, buttonUrl: string | null): string {
  const paragraphs = c.paragraphs
    .map((p) => `<p style="margin:0 0 16px;font-size:16px;line-height:26px;color:#3f3f46;">${textToHtml(p)}</p>`)
    .join('');
  const preheader = c.preheader
    ? `<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#f4f4f5;">${escapeHtml(c.preheader)}</div>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light only">
<meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(c.heading)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f5;-webkit-text-size-adjust:100%;">
${preheader}
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5;">
<tr><td align="center" style="padding:32px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:560px;font-family:${fontStack};">
<tr><td style="padding:0 4px 20px;font-family:Georgia,'Times New Roman',serif;font-size:22px;line-height:28px;font-weight:700;letter-spacing:0.02em;color:${ink};">Gallerist</td></tr>
<tr><td style="background:#ffffff;border:1px solid ${line};border-radius:12px;padding:32px 28px;">
<h1 style="margin:0 0 20px;font-size:22px;line-height:30px;font-weight:700;color:${ink};">${escapeHtml(c.heading)}</h1>
${paragraphs}${c.table && c.table.rows.length > 0 ? renderTable(c.table.rows) : ''}${c.button && buttonUrl ? renderButton(c.button.label, buttonUrl) : ''}
</td></tr>
<tr><td style="padding:20px 4px 0;font-size:12px;line-height:18px;color:${muted};">${textToHtml(c.footer ?? defaultFooter)}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function renderText(c: EmailContent, buttonUrl: string | null): string {
  const parts: string[] = [`${c.heading}\n${'='.repeat(Math.min(c.heading.length, 60))}`, ...c.paragraphs];
  if (c.table && c.table.rows.length > 0) {
    const width = Math.min(Math.max(...c.table.rows.map(([k]) => k.length)), 30);
    parts.push(c.table.rows.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n'));
  }
  if (c.button && buttonUrl) parts.push(`${c.button.label}:\n${buttonUrl}`);
  parts.push(`--\n${c.footer ?? defaultFooter}`);
  return `GALLERIST\n\n${parts.join('\n\n')}\n`;
}

/** Renders a single-column branded email as inline-styled HTML plus its plain-text twin. */
export function renderEmail(content: EmailContent): RenderedEmail {
  const buttonUrl = content.button ? safeEmailUrl(content.button.url) : null;
  return { html: renderHtml(content, buttonUrl), text: renderText(content, buttonUrl) };
}
