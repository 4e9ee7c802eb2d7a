import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db";
import { verifyHostSessionToken } from "@/lib/host/tribe/session-token";
import { upsertTenant } from "@/lib/tenancy";
import { consumeHostToken } from "./replay";

declare module "next-auth" {
  interface User {
    tenantId: string;
    tenantName: string;
    locale: "nl" | "fr" | "en";
  }
  interface Session {
    tenantId: string;
    tenantName: string;
    userId: string;
    locale: "nl" | "fr" | "en";
  }
}

// Inside a cross-site iframe the browser only sends cookies marked SameSite=None; Secure, and
// partitioned cookies (CHIPS) are what third-party-cookie blocking still allows.
const iframeCookie = { httpOnly: true, sameSite: "none" as const, secure: true, path: "/", partitioned: true };

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  secret: config().AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
  cookies: {
    sessionToken: { name: "ledgerlink.session", options: iframeCookie },
    csrfToken: { name: "ledgerlink.csrf", options: iframeCookie },
    callbackUrl: { name: "ledgerlink.callback", options: iframeCookie },
  },
  pages: { signIn: "/unauthorized", error: "/unauthorized" },
  providers: [
    Credentials({
      id: "host-token",
      credentials: { token: {} },
      async authorize(credentials) {
        try {
          const s = await verifyHostSessionToken(String(credentials?.token ?? ""), {
            secret: config().LEDGERLINK_APP_SECRET,
            audience: config().LEDGERLINK_APP_ID,
          });
          // the one place a token becomes a session, so the one place a replay is stopped
          const db = await getDb();
          if (!(await consumeHostToken(db, s.tokenId, s.expiresAt))) throw new Error("replayed");
          await upsertTenant(db, s);
          return { id: s.userId, name: s.userName, tenantId: s.tenantId, tenantName: s.tenantName, locale: s.locale };
        } catch {
          throw new CredentialsSignin();
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.tenantId = user.tenantId;
        token.tenantName = user.tenantName;
        token.locale = user.locale;
        token.sub = user.id;
      }
      return token;
    },
    session({ session, token }) {
      session.tenantId = String(token.tenantId);
      session.tenantName = String(token.tenantName);
      session.userId = String(token.sub);
      session.locale = (token.locale as "nl" | "fr" | "en") ?? "nl";
      return session;
    },
  },
});
