import { unauthorized } from "next/navigation";
import { auth } from "@/lib/auth";

export type TenantSession = { tenantId: string; tenantName: string; userId: string; locale: "nl" | "fr" | "en" };

/** Every page and server action calls this: the tenant comes from the verified session only. */
export async function requireSession(): Promise<TenantSession> {
  const session = await auth();
  if (!session?.tenantId || !session.userId) unauthorized();
  return { tenantId: session.tenantId, tenantName: session.tenantName, userId: session.userId, locale: session.locale };
}
