import { lt } from "drizzle-orm";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";

/** Records a host token as used; false when it was used before (a replay). */
export async function consumeHostToken(db: Db, tokenId: string, expiresAt: Date): Promise<boolean> {
  // tokens live five minutes: what has expired can no longer be replayed anyway
  await db.delete(schema.usedHostTokens).where(lt(schema.usedHostTokens.expiresAt, new Date(Date.now() - 60_000)));
  const inserted = await db.insert(schema.usedHostTokens).values({ tokenId, expiresAt }).onConflictDoNothing().returning();
  return inserted.length === 1;
}
