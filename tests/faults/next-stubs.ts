/**
 * Just enough of Next's request scope to call the app's route handlers, pages and server actions
 * in-process: `next/headers` (request headers, a cookie jar), `next/navigation` (redirect,
 * notFound, unauthorized as throwable signals), `next/cache` (revalidatePath recorded).
 * Tests install these with vi.mock(…, () => nextStubs.…) and set `request` per call.
 */
export class NavigationSignal extends Error {
  constructor(
    readonly kind: "redirect" | "notFound" | "unauthorized" | "forbidden",
    readonly url?: string,
  ) {
    super(`NEXT_${kind.toUpperCase()}${url ? ` ${url}` : ""}`);
  }
}

export const request = {
  headers: new Headers({ host: "ledgerlink.test", "x-forwarded-proto": "https", "accept-language": "nl" }),
  cookies: new Map<string, { name: string; value: string; options?: unknown }>(),
  revalidated: [] as string[],
  reset() {
    this.cookies.clear();
    this.revalidated = [];
  },
};

export const headersModule = {
  headers: async () => request.headers,
  cookies: async () => ({
    get: (name: string) => request.cookies.get(name),
    getAll: () => [...request.cookies.values()],
    has: (name: string) => request.cookies.has(name),
    set: (name: string | { name: string; value: string }, value?: string, options?: unknown) => {
      if (typeof name === "object") request.cookies.set(name.name, { ...name });
      else request.cookies.set(name, { name, value: value ?? "", options });
    },
    delete: (name: string) => request.cookies.delete(name),
  }),
  draftMode: async () => ({ isEnabled: false }),
};

export const navigationModule = {
  redirect: (url: string) => {
    throw new NavigationSignal("redirect", url);
  },
  permanentRedirect: (url: string) => {
    throw new NavigationSignal("redirect", url);
  },
  notFound: () => {
    throw new NavigationSignal("notFound");
  },
  unauthorized: () => {
    throw new NavigationSignal("unauthorized");
  },
  forbidden: () => {
    throw new NavigationSignal("forbidden");
  },
  useRouter: () => ({ refresh() {}, push() {}, replace() {}, back() {}, prefetch() {} }),
  usePathname: () => "/",
  useSearchParams: () => new URLSearchParams(),
};

export const cacheModule = {
  revalidatePath: (p: string) => void request.revalidated.push(p),
  revalidateTag: (t: string) => void request.revalidated.push(`tag:${t}`),
};

/** next-intl without a request: the app's own catalogues, in the session's locale. */
export function intlModules(locale: () => "nl" | "fr" | "en" = () => "nl") {
  const make = async () => {
    const { translate, catalogues } = await import("@/lib/i18n");
    const tFor = (ns?: string) => {
      const full = (key: string) => (ns ? `${ns}.${key}` : key);
      const t = (key: string, values?: Record<string, string | number>) => translate(locale(), full(key), values ?? {});
      t.has = (key: string) =>
        typeof full(key)
          .split(".")
          .reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], catalogues[locale()]) === "string";
      t.rich = t;
      t.raw = (key: string) => full(key);
      return t;
    };
    return { tFor };
  };
  return {
    server: async () => {
      const { tFor } = await make();
      return {
        getTranslations: async (ns?: string | { namespace?: string }) => tFor(typeof ns === "string" ? ns : ns?.namespace),
        getFormatter: async () => ({ dateTime: (d: Date) => new Date(d).toISOString(), number: (n: number) => String(n) }),
        getLocale: async () => locale(),
        getMessages: async () => ({}),
        getRequestConfig: (f: unknown) => f,
      };
    },
    client: async () => {
      const { tFor } = await make();
      return {
        useTranslations: (ns?: string) => tFor(ns),
        useLocale: () => locale(),
        useFormatter: () => ({ dateTime: (d: Date) => new Date(d).toISOString() }),
        NextIntlClientProvider: ({ children }: { children: unknown }) => children,
      };
    },
  };
}
