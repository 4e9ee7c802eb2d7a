import { randomBytes } from "node:crypto";
import pg from "pg";
import { openDatabase, type DbHandle } from "@/lib/db";

/**
 * A fresh, migrated database for one test file: a new database on the PostgreSQL server
 * named by DATABASE_URL (dropped afterwards), or an in-memory PGlite when it is unset.
 */
export async function createTestDatabase(
  driver: "pg" | "pglite" = process.env.DATABASE_URL ? "pg" : "pglite",
): Promise<DbHandle & { url?: string }> {
  if (driver === "pglite") return openDatabase({ PGLITE_DIR: "memory://" });
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error("DATABASE_URL is needed for the pg driver");
  const name = `ledgerlink_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ DATABASE_URL: url.toString() });
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const drop = new pg.Client({ connectionString: base });
      await drop.connect();
      await drop.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await drop.end();
    },
  };
}
