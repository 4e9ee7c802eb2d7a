import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // rate-limiter-flexible loads drizzle-orm with a computed import() that a bundle cannot follow
  serverExternalPackages: ["@electric-sql/pglite", "pg", "@inngest/test", "croner", "rate-limiter-flexible"],
  experimental: { authInterrupts: true },
  poweredByHeader: false,
  // Playwright and the sandbox CRM reach the dev server on 127.0.0.1 as well as localhost.
  allowedDevOrigins: ["127.0.0.1", "localhost"],
};

export default withNextIntl(nextConfig);
