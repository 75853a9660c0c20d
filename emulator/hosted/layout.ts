import { ZERO_DECIMAL } from '../core/cards.ts';

/** Escapes text for HTML element and attribute contexts. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Formats minor units as a localised amount, e.g. 1999 usd → $19.99. */
export function formatMoney(amount: number, currency: string): string {
  const major = ZERO_DECIMAL.has(currency) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(major);
  } catch {
    return `${major.toFixed(2)} ${currency.toUpperCase()}`;
  }
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1f36;background:#f6f8fa}
.wrap{max-width:980px;margin:0 auto;padding:32px 20px;display:flex;gap:48px;flex-wrap:wrap}
.col{flex:1 1 380px;min-width:300px}
.badge{display:inline-block;font-size:11px;font-weight:600;letter-spacing:.04em;text-transform:uppercase;color:#8a4600;background:#fff4e5;border-radius:4px;padding:2px 6px;margin-left:8px}
h1{font-size:20px;margin:0 0 4px}
h2{font-size:16px;margin:24px 0 8px}
.total{font-size:34px;font-weight:600;margin:8px 0 24px}
.muted{color:#596273}
.items{list-style:none;padding:0;margin:0}
.items li{display:flex;justify-content:space-between;gap:12px;padding:10px 0;border-bottom:1px solid #e3e8ee}
.items li>span:first-child{flex:1;min-width:0}
.qty,.amount{white-space:nowrap}
.promo button{margin-top:0}
fieldset{border:1px solid #d5dbe1;border-radius:6px;margin:18px 0 0;padding:8px 12px}
legend{font-size:13px;color:#3c4257;padding:0 4px}
.option{display:flex;align-items:center;gap:8px;margin:8px 0;font-size:15px;color:#1a1f36}
.option input{width:auto}
fieldset button{margin-top:8px}
.sum{display:flex;justify-content:space-between;padding:8px 0;font-weight:600}
.card{background:#fff;border-radius:8px;box-shadow:0 2px 5px rgba(60,66,87,.08),0 1px 1px rgba(0,0,0,.08);padding:24px}
label{display:block;font-size:13px;color:#3c4257;margin:14px 0 4px}
input,select{width:100%;padding:10px 12px;border:1px solid #d5dbe1;border-radius:6px;font-size:15px;background:#fff}
input:focus,select:focus{outline:none;border-color:#635bff;box-shadow:0 0 0 3px rgba(99,91,255,.2)}
.row{display:flex;gap:12px}.row>div{flex:1}
button{width:100%;margin-top:22px;padding:12px;border:0;border-radius:6px;background:#635bff;color:#fff;font-size:16px;font-weight:600;cursor:pointer}
button.secondary{background:#fff;color:#1a1f36;border:1px solid #d5dbe1}
.error{background:#fdecea;color:#b3261e;border-radius:6px;padding:10px 12px;margin:12px 0}
.ok{color:#0a7d3e}
a{color:#4b44d6;text-decoration:none}
.foot{margin:18px 0;font-size:12px;color:#596273;text-align:center}
`;

/** Full HTML document with the shared stylesheet. */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main><footer class="foot">Stripe emulator · test mode · no real money moves</footer></body></html>`;
}
