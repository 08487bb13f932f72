/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The one stylesheet of every page, inline; the Content-Security-Policy allows exactly this text by its hash (security-headers.ts). */
export const PAGE_CSS = `
body{font-family:system-ui,-apple-system,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.4rem}.banner{background:#ffd400;border:3px solid #1b1b1b;padding:.75rem;font-weight:700;text-align:center}
table{width:100%;border-collapse:collapse}td{padding:.3rem 0;border-bottom:1px solid #ddd}td.r{text-align:right}
button,.button{display:inline-block;font-size:1.1rem;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#1a56db;color:#fff;text-decoration:none;cursor:pointer}
.muted{color:#666}
.ticket{border:2px solid #1b1b1b;border-radius:.8rem;padding:1rem;margin:1rem 0;text-align:center}
.ticket h2{font-size:1.15rem;margin:0 0 .5rem}.ticket .qr svg{width:100%;max-width:18rem;height:auto}
.ticket .code{font-family:ui-monospace,monospace;font-size:1.05rem;letter-spacing:.05em;margin:.3rem 0}
.ticket .state{font-weight:700}.ticket.valid .state{color:#0a6b2d}.ticket.admitted .state{color:#1a56db}
.ticket.void{border-color:#bbb;color:#777}.ticket.void .state{color:#a00}
`;

/** A small, self-contained, phone-friendly page. `body` (and `head`, more of the head: links) must already be escaped HTML. */
export function page(title: string, body: string, head = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_CSS}</style>${head}</head><body>${body}</body></html>`;
}
