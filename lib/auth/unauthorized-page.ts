import { translate, type Locale } from "@/lib/i18n";

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain 401 page in the user's language: never a stack trace. */
export function unauthorizedPage(locale: Locale, reason: string): Response {
  const title = escape(translate(locale, "auth.title"));
  const message = escape(translate(locale, `auth.${reason}`));
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font-family:system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0;color:#0f172a;background:#f8fafc}
main{max-width:28rem;padding:2rem;border:1px solid #e2e8f0;border-radius:.75rem;background:#fff}h1{font-size:1.25rem;margin:0 0 .5rem}</style></head>
<body><main role="alert" data-reason="${escape(reason)}"><h1>${title}</h1><p>${message}</p></main></body></html>`;
  return new Response(html, { status: 401, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}
