import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";

export { schema };
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DbHandle = { db: Db; driver: "pg" | "pglite"; close: () => Promise<void> };

const migrationsFolder = path.join(process.cwd(), "drizzle");

/**
 * Opens the database: node-postgres when DATABASE_URL is set, otherwise embedded PGlite
 * in `<LEDGERLINK_DATA_DIR>/pglite` (a folder, or "memory://" for a throwaway one).
 * Migrations are applied before the handle is returned.
 */
export async function openDatabase(
  env: Record<string, string | undefined> = process.env,
): Promise<DbHandle> {
  if (env.DATABASE_URL) {
    const { Pool } = await import("pg");
    const { drizzle } = await import("drizzle-orm/node-postgres");
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 10 });
    // an idle connection the server closes (restart, failover) must not take the process down
    pool.on("error", (err) => console.error(`[db] idle connection lost: ${err.message}`));
    const db = drizzle(pool, { schema });
    await migrate(db, { migrationsFolder });
    return { db: db as unknown as Db, driver: "pg", close: () => pool.end() };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const dir = env.PGLITE_DIR ?? path.join(env.LEDGERLINK_DATA_DIR ?? ".data", "pglite");
  if (!dir.startsWith("memory://")) fs.mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { db: db as unknown as Db, driver: "pglite", close: () => client.close() };
}

const globalForDb = globalThis as unknown as { ledgerlinkDb?: Promise<DbHandle> };

/** The process-wide handle (one PGlite instance per process: it is single-writer). */
export function getDbHandle(): Promise<DbHandle> {
  globalForDb.ledgerlinkDb ??= openDatabase();
  return globalForDb.ledgerlinkDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Lets tests and the dev runner point the process at a given database. */
export function setDbHandle(handle: Promise<DbHandle> | undefined) {
  globalForDb.ledgerlinkDb = handle;
}

/** The rows of a raw `db.execute`: node-postgres answers `{rows}`, PGlite an array-like with `rows` too. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
