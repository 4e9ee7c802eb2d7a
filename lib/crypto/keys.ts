import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, linkSync, unlinkSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

export const KEYS_ENV = "LEDGERLINK_ENCRYPTION_KEYS";
export const DATA_DIR_ENV = "LEDGERLINK_DATA_DIR";
export const DEV_KEY_FILE = "encryption-key.json";
const KEY_BYTES = 32; // AES-256

export interface KeyEntry {
  readonly kid: string;
  readonly key: Buffer;
}

export interface Keyring {
  /** Seals all new values. */
  readonly current: KeyEntry;
  /** Any known key, current or older (older keys are kept only to read old values). */
  byId(kid: string): KeyEntry | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

// The kid travels inside the sealed string `v1.<kid>.<nonce>.<ct>` and the AAD `v1|<kid>|<context>`,
// so it must not contain ".", "|", ":" or ",".
const kidSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "key id must be 1-64 characters of A-Z a-z 0-9 _ -");

const keySchema = z
  .base64("key must be standard base64 (with padding)")
  .transform((b64) => Buffer.from(b64, "base64"))
  .refine((buf) => buf.length === KEY_BYTES, `key must decode to ${KEY_BYTES} bytes`);

const entrySchema = z.object({ kid: kidSchema, key: keySchema });

const envEntrySchema = z
  .string()
  .transform((s, ctx) => {
    const i = s.indexOf(":");
    if (i < 0) {
      ctx.addIssue({ code: "custom", message: 'entry must look like "kid:base64key"' });
      return z.NEVER;
    }
    return { kid: s.slice(0, i).trim(), key: s.slice(i + 1).trim() };
  })
  .pipe(entrySchema);

const envKeysSchema = z
  .string()
  .transform((s) => s.split(",").map((e) => e.trim()))
  .pipe(z.array(envEntrySchema).min(1))
  .superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      if (seen.has(e.kid)) ctx.addIssue({ code: "custom", path: [i], message: `duplicate key id "${e.kid}"` });
      seen.add(e.kid);
    });
  });

// Messages name the source and the entry position, never the key material.
function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const [index] = issue.path;
    return typeof index === "number" ? `entry ${index + 1}: ${issue.message}` : issue.message;
  });
  return `Invalid ${source}: ${lines.join("; ")}`;
}

export function createKeyring(entries: readonly KeyEntry[]): Keyring {
  const [current] = entries;
  if (!current) throw new Error("A keyring needs at least one key");
  const map = new Map(entries.map((e) => [e.kid, e]));
  return { current, byId: (kid) => map.get(kid) };
}

/**
 * `LEDGERLINK_ENCRYPTION_KEYS="kid:base64key,older:base64key"`; the first entry is current.
 * Without it, development uses (and on first run creates) a key in the data directory;
 * production refuses to start rather than silently sealing with a throwaway key.
 */
export function loadKeyring(env: Env = process.env): Keyring {
  const raw = env[KEYS_ENV]?.trim();
  if (raw) {
    const parsed = envKeysSchema.safeParse(raw);
    if (!parsed.success) throw new Error(describeIssues(KEYS_ENV, parsed.error));
    return createKeyring(parsed.data);
  }
  if (env.NODE_ENV === "production") {
    throw new Error(
      `${KEYS_ENV} is not set. In production set it to "kid:base64key" (32 random bytes, e.g. \`openssl rand -base64 32\`); ` +
        "the first entry is the current key, further entries are older keys kept for reading.",
    );
  }
  return createKeyring([loadOrCreateDevKey(path.resolve(/*turbopackIgnore: true*/ env[DATA_DIR_ENV] || ".data"))]);
}

function loadOrCreateDevKey(dir: string): KeyEntry {
  const file = path.join(dir, DEV_KEY_FILE);
  try {
    return readDevKey(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The data directory holds secrets; keep it out of git even if the repo's .gitignore misses it.
  writeIfAbsent(path.join(dir, ".gitignore"), "*\n", 0o644);
  const kid = `dev-${randomBytes(4).toString("hex")}`;
  const json = JSON.stringify({ kid, key: randomBytes(KEY_BYTES).toString("base64") }, null, 2) + "\n";
  // Write a temp file, then hard-link it into place: link fails if the file exists, so when two
  // processes start together (app + worker) exactly one key wins and nobody reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(tmp, json, { mode: 0o600 });
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    unlinkSync(tmp);
  }
  return readDevKey(file);
}

function readDevKey(file: string): KeyEntry {
  const text = readFileSync(file, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`Invalid ${file}: not JSON (delete it to generate a new development key)`);
  }
  const parsed = entrySchema.safeParse(json);
  if (!parsed.success) throw new Error(describeIssues(file, parsed.error));
  return parsed.data;
}

function writeIfAbsent(file: string, content: string, mode: number): void {
  try {
    writeFileSync(file, content, { flag: "wx", mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
}

let cached: Keyring | undefined;

/** The process-wide keyring, read from the environment on first use (not at import, so builds don't need keys). */
export function getKeyring(): Keyring {
  cached ??= loadKeyring();
  return cached;
}

export function resetKeyringForTests(): void {
  cached = undefined;
}
