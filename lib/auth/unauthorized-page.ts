import { translate, type Locale } from "@/lib/i18n";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A small page in the user's language, outside the embedded app (a refusal, the end of a
 * consent): never a stack trace. `closeAfterMs`: a window the app opened closes itself.
 */
export function plainPage(locale: Locale, o: { status: number; title: string; message: string; reason: string; closeAfterMs?: number }): Response {
  const title = escape(translate(locale, o.title));
  const message = escape(translate(locale, o.message));
  const close = o.closeAfterMs !== undefined ? `<script>setTimeout(function(){window.close()},${Math.max(0, Math.floor(o.closeAfterMs))})</script>` : "";
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#0f172a;background:#f8fafc}
main{max-width:28rem;padding:2rem;border:1px solid #e2e8f0;border-radius:.75rem;background:#fff}h1{font-size:1.25rem;margin:0 0 .5rem}</style></head>
<body><main role="${o.status < 400 ? "status" : "alert"}" data-reason="${escape(o.reason)}"><h1>${title}</h1><p>${message}</p></main>${close}</body></html>`;
  return new Response(html, { status: o.status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/** A plain 401 page in the user's language: never a stack trace. */
export function unauthorizedPage(locale: Locale, reason: string): Response {
  return plainPage(locale, { status: 401, title: "auth.title", message: `auth.${reason}`, reason });
}
