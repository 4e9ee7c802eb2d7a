import { describe, it, expect, afterEach } from "vitest";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DecryptError,
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  getKeyring,
  loadKeyring,
  needsReencryption,
  openAndRotate,
  resetKeyringForTests,
} from "../../lib/crypto";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const ringA = loadKeyring({ LEDGERLINK_ENCRYPTION_KEYS: `a:${keyA}` });
const ringBA = loadKeyring({ LEDGERLINK_ENCRYPTION_KEYS: `b:${keyB}, a:${keyA}` });
const ringB = loadKeyring({ LEDGERLINK_ENCRYPTION_KEYS: `b:${keyB}` });
const ctx = "installation:6f1c2a9e-0000-4000-8000-000000000001:snelstart";

function expectDecryptError(fn: () => unknown, reason: DecryptError["reason"]): DecryptError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DecryptError);
    expect((err as DecryptError).reason).toBe(reason);
    return err as DecryptError;
  }
  throw new Error("expected a DecryptError");
}

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, including unicode and the empty string", () => {
    for (const text of ["api-token-123", "wachtwoord € ✓", ""]) {
      const sealed = encryptSecret(text, ctx, ringA);
      expect(sealed).toMatch(/^v1\.a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      expect(decryptSecret(sealed, ctx, ringA)).toBe(text);
    }
  });

  it("uses a fresh nonce each time", () => {
    const one = encryptSecret("same", ctx, ringA);
    const two = encryptSecret("same", ctx, ringA);
    expect(one).not.toBe(two);
    expect(one.split(".")[2]).not.toBe(two.split(".")[2]);
  });

  it("fails with the wrong context", () => {
    const sealed = encryptSecret("secret", ctx, ringA);
    const err = expectDecryptError(() => decryptSecret(sealed, "installation:other:snelstart", ringA), "auth-failed");
    expect(err.message).not.toContain("secret");
  });

  it("fails when the ciphertext, nonce or kid is tampered with", () => {
    const sealed = encryptSecret("top secret value", ctx, ringBA);
    const [v, kid, nonce, body] = sealed.split(".") as [string, string, string, string];
    const flip = (b64: string, at: number) => {
      const buf = Buffer.from(b64, "base64url");
      buf[at]! ^= 1;
      return buf.toString("base64url");
    };
    expectDecryptError(() => decryptSecret([v, kid, nonce, flip(body, 0)].join("."), ctx, ringBA), "auth-failed");
    expectDecryptError(() => decryptSecret([v, kid, nonce, flip(body, Buffer.from(body, "base64url").length - 1)].join("."), ctx, ringBA), "auth-failed");
    expectDecryptError(() => decryptSecret([v, kid, flip(nonce, 3), body].join("."), ctx, ringBA), "auth-failed");
    // Relabelling with another known kid: the kid is in the AAD, and the key differs anyway.
    expectDecryptError(() => decryptSecret([v, "a", nonce, body].join("."), ctx, ringBA), "auth-failed");
  });

  it("rejects malformed input", () => {
    for (const bad of ["", "v1.a.x", "v2.a.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA", "v1.a.AAAA.AAAAAAAAAAAAAAAAAAAAAA", "v1.a.AAAAAAAAAAAAAAAA.AAAA", "v1.a.AAAAAAAAAAAAAAAA.AA+A"]) {
      expectDecryptError(() => decryptSecret(bad, ctx, ringA), "malformed");
    }
  });

  it("fails with DecryptError for an unknown key id", () => {
    const sealed = encryptSecret("secret", ctx, ringB);
    const err = expectDecryptError(() => decryptSecret(sealed, ctx, ringA), "unknown-key");
    expect(err.kid).toBe("b");
    expect(err.message).not.toContain(keyA);
  });

  it("requires a context", () => {
    expect(() => encryptSecret("x", "", ringA)).toThrow(TypeError);
  });
});

describe("key rotation", () => {
  it("reads old values with an older key and reseals them with the current one", () => {
    const old = encryptSecret("client-secret", ctx, ringA);
    expect(needsReencryption(old, ringBA)).toBe(true);
    expect(decryptSecret(old, ctx, ringBA)).toBe("client-secret");

    const { plaintext, resealed } = openAndRotate(old, ctx, ringBA);
    expect(plaintext).toBe("client-secret");
    expect(resealed).not.toBeNull();
    expect(resealed!.startsWith("v1.b.")).toBe(true);
    expect(needsReencryption(resealed!, ringBA)).toBe(false);
    // Once rewritten, key A can be dropped.
    expect(decryptSecret(resealed!, ctx, ringB)).toBe("client-secret");
  });

  it("does not reseal values already under the current key", () => {
    const current = encryptSecret("x", ctx, ringBA);
    expect(openAndRotate(current, ctx, ringBA)).toEqual({ plaintext: "x", resealed: null });
  });
});

describe("encryptJson / decryptJson", () => {
  it("round-trips JSON values", () => {
    const value = { token: "abc", expiresAt: 1_700_000_000, scopes: ["read", "write"], refresh: null, ok: true };
    expect(decryptJson(encryptJson(value, ctx, ringA), ctx, ringA)).toEqual(value);
  });

  it("does not leak plaintext when the value is not JSON", () => {
    const sealed = encryptSecret("not json: hunter2", ctx, ringA);
    const err = expectDecryptError(() => decryptJson(sealed, ctx, ringA), "not-json");
    expect(err.message).not.toContain("hunter2");
  });
});

describe("loadKeyring from the environment", () => {
  const envError = (value: string) => {
    try {
      loadKeyring({ LEDGERLINK_ENCRYPTION_KEYS: value, NODE_ENV: "production" });
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error("expected loadKeyring to throw");
  };

  it("takes the first entry as current and keeps the rest for reading", () => {
    expect(ringBA.current.kid).toBe("b");
    expect(ringBA.byId("a")?.key.equals(Buffer.from(keyA, "base64"))).toBe(true);
    expect(ringBA.byId("c")).toBeUndefined();
  });

  it("names the variable and the problem, without the key material", () => {
    const bad64 = envError("a:not*base64");
    expect(bad64).toContain("LEDGERLINK_ENCRYPTION_KEYS");
    expect(bad64).toMatch(/base64/);
    expect(bad64).not.toContain("not*base64");

    const short = randomBytes(16).toString("base64");
    const wrongLength = envError(`a:${keyA},b:${short}`);
    expect(wrongLength).toContain("LEDGERLINK_ENCRYPTION_KEYS");
    expect(wrongLength).toMatch(/entry 2: .*32 bytes/);
    expect(wrongLength).not.toContain(short);

    const duplicate = envError(`a:${keyA},a:${keyB}`);
    expect(duplicate).toContain("LEDGERLINK_ENCRYPTION_KEYS");
    expect(duplicate).toMatch(/duplicate key id "a"/);
    expect(duplicate).not.toContain(keyB);

    expect(envError(keyA)).toMatch(/LEDGERLINK_ENCRYPTION_KEYS.*kid:base64key/);
    expect(envError(`a.b:${keyA}`)).toMatch(/LEDGERLINK_ENCRYPTION_KEYS.*key id/);
  });

  it("refuses to run in production without keys, and writes nothing", () => {
    const dir = path.join(tmpdir(), `ledgerlink-prod-${randomBytes(4).toString("hex")}`);
    expect(() => loadKeyring({ NODE_ENV: "production", LEDGERLINK_DATA_DIR: dir })).toThrow(/LEDGERLINK_ENCRYPTION_KEYS is not set/);
    expect(() => loadKeyring({ NODE_ENV: "production", LEDGERLINK_ENCRYPTION_KEYS: "  ", LEDGERLINK_DATA_DIR: dir })).toThrow(
      /LEDGERLINK_ENCRYPTION_KEYS/,
    );
    expect(existsSync(dir)).toBe(false);
  });
});

describe("development key file", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("is created once (mode 0600) and reused on the next load", () => {
    const root = mkdtempSync(path.join(tmpdir(), "ledgerlink-crypto-"));
    dirs.push(root);
    const dataDir = path.join(root, "data");
    const env = { NODE_ENV: "development", LEDGERLINK_DATA_DIR: dataDir };

    const first = loadKeyring(env);
    const file = path.join(dataDir, "encryption-key.json");
    expect(first.current.kid).toMatch(/^dev-[0-9a-f]{8}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dataDir, ".gitignore"), "utf8")).toBe("*\n");
    const sealed = encryptSecret("dev secret", ctx, first);

    const second = loadKeyring(env);
    expect(second.current.kid).toBe(first.current.kid);
    expect(second.current.key.equals(first.current.key)).toBe(true);
    expect(decryptSecret(sealed, ctx, second)).toBe("dev secret");
  });

  it("reports a corrupt key file by path", () => {
    const root = mkdtempSync(path.join(tmpdir(), "ledgerlink-crypto-"));
    dirs.push(root);
    const env = { NODE_ENV: "test", LEDGERLINK_DATA_DIR: root };
    loadKeyring(env);
    const file = path.join(root, "encryption-key.json");
    writeFileSync(file, JSON.stringify({ kid: "dev-00000000", key: randomBytes(8).toString("base64") }));
    expect(() => loadKeyring(env)).toThrow(new RegExp(`encryption-key\\.json.*32 bytes`));
  });
});

describe("getKeyring", () => {
  afterEach(() => resetKeyringForTests());

  it("reads process.env once and caches until reset", () => {
    const saved = process.env.LEDGERLINK_ENCRYPTION_KEYS;
    try {
      process.env.LEDGERLINK_ENCRYPTION_KEYS = `a:${keyA}`;
      resetKeyringForTests();
      const ring = getKeyring();
      expect(ring.current.kid).toBe("a");
      process.env.LEDGERLINK_ENCRYPTION_KEYS = `b:${keyB}`;
      expect(getKeyring()).toBe(ring);
      resetKeyringForTests();
      expect(getKeyring().current.kid).toBe("b");
      // Default keyring is used when none is passed.
      expect(decryptSecret(encryptSecret("x", ctx), ctx, ringB)).toBe("x");
    } finally {
      if (saved === undefined) delete process.env.LEDGERLINK_ENCRYPTION_KEYS;
      else process.env.LEDGERLINK_ENCRYPTION_KEYS = saved;
    }
  });
});
