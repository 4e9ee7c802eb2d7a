import { eq } from "drizzle-orm";
import { encryptJson, decryptJson, openAndRotate, type JsonValue } from "@/lib/crypto";
import type { Db } from "@/lib/db";
import { schema } from "@/lib/db";

// The row's identity is bound into the ciphertext: a sealed value copied to another
// installation does not decrypt there.
const contextOf = (installationId: string) => `credentials:${installationId}`;

export async function storeCredentials(db: Db, installationId: string, value: JsonValue) {
  const sealed = encryptJson(value, contextOf(installationId));
  const keyId = sealed.split(".")[1];
  await db
    .insert(schema.credentials)
    .values({ installationId, sealed, keyId })
    .onConflictDoUpdate({ target: schema.credentials.installationId, set: { sealed, keyId, updatedAt: new Date() } });
}

/** Reads and decrypts; a value sealed with an older key is re-sealed with the current one. */
export async function loadCredentials<T extends JsonValue>(db: Db, installationId: string): Promise<T | null> {
  const [row] = await db.select().from(schema.credentials).where(eq(schema.credentials.installationId, installationId));
  if (!row) return null;
  const { resealed } = openAndRotate(row.sealed, contextOf(installationId));
  if (resealed) {
    await db
      .update(schema.credentials)
      .set({ sealed: resealed, keyId: resealed.split(".")[1], updatedAt: new Date() })
      .where(eq(schema.credentials.installationId, installationId));
  }
  return decryptJson<T>(resealed ?? row.sealed, contextOf(installationId));
}

export async function deleteCredentials(db: Db, installationId: string) {
  await db.delete(schema.credentials).where(eq(schema.credentials.installationId, installationId));
}
