import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getKeyring, type Keyring } from "./keys";

export { createKeyring, getKeyring, loadKeyring, resetKeyringForTests } from "./keys";
export type { KeyEntry, Keyring } from "./keys";

const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const NONCE_BYTES = 12; // 96-bit nonce: the GCM standard size, random per value
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]+$/;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type DecryptErrorReason = "malformed" | "unknown-key" | "auth-failed" | "not-json";

/** Never carries plaintext, key material or the underlying OpenSSL error. */
export class DecryptError extends Error {
  override readonly name = "DecryptError";
  readonly reason: DecryptErrorReason;
  readonly kid: string | undefined;
  constructor(reason: DecryptErrorReason, message: string, kid?: string) {
    super(message);
    this.reason = reason;
    this.kid = kid;
  }
}

interface Sealed {
  kid: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

// Binding version, kid and row context as AAD means a sealed value copied to another row, column or
// tenant, or relabelled with another kid, fails authentication instead of decrypting.
// The kid cannot contain "|", so the context (which may) is always the unambiguous remainder.
function aad(kid: string, context: string): Buffer {
  return Buffer.from(`${VERSION}|${kid}|${context}`, "utf8");
}

function assertContext(context: string): void {
  if (typeof context !== "string" || context.length === 0) {
    throw new TypeError("crypto: a non-empty row context is required");
  }
}

function parse(sealed: string): Sealed {
  const parts = typeof sealed === "string" ? sealed.split(".") : [];
  const [version, kid, nonceB64, bodyB64] = parts;
  if (parts.length !== 4 || version !== VERSION || !kid || !nonceB64 || !bodyB64 || !B64URL.test(nonceB64) || !B64URL.test(bodyB64)) {
    throw new DecryptError("malformed", `sealed value is not in the ${VERSION}.<kid>.<nonce>.<ciphertext> format`);
  }
  const nonce = Buffer.from(nonceB64, "base64url");
  const body = Buffer.from(bodyB64, "base64url");
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) {
    throw new DecryptError("malformed", "sealed value has a bad nonce or ciphertext length", kid);
  }
  return { kid, nonce, ciphertext: body.subarray(0, -TAG_BYTES), tag: body.subarray(-TAG_BYTES) };
}

/** Seals `plaintext` with the current key as `v1.<kid>.<b64url nonce>.<b64url ciphertext+tag>`. */
export function encryptSecret(plaintext: string, context: string, keyring: Keyring = getKeyring()): string {
  assertContext(context);
  const { kid, key } = keyring.current;
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kid, context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${kid}.${nonce.toString("base64url")}.${body.toString("base64url")}`;
}

/** Opens a value sealed with any key in the keyring; throws DecryptError otherwise. */
export function decryptSecret(sealed: string, context: string, keyring: Keyring = getKeyring()): string {
  assertContext(context);
  const { kid, nonce, ciphertext, tag } = parse(sealed);
  const entry = keyring.byId(kid);
  if (!entry) throw new DecryptError("unknown-key", `unknown encryption key id "${kid}"`, kid);
  const decipher = createDecipheriv(ALGORITHM, entry.key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad(kid, context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    // GCM cannot tell tampering from a wrong context: both are an authentication failure.
    throw new DecryptError("auth-failed", "authentication failed: the value was altered or belongs to another context", kid);
  }
}

/** True when the value was sealed with an older key and should be rewritten. */
export function needsReencryption(sealed: string, keyring: Keyring = getKeyring()): boolean {
  return parse(sealed).kid !== keyring.current.kid;
}

/**
 * Opens a value and, if it was sealed with an older key, reseals it with the current one.
 * Callers write `resealed` back when it is not null (lazy rotation); the old value stays readable meanwhile.
 */
export function openAndRotate(
  sealed: string,
  context: string,
  keyring: Keyring = getKeyring(),
): { plaintext: string; resealed: string | null } {
  const plaintext = decryptSecret(sealed, context, keyring);
  const resealed = needsReencryption(sealed, keyring) ? encryptSecret(plaintext, context, keyring) : null;
  return { plaintext, resealed };
}

export function encryptJson(value: JsonValue, context: string, keyring: Keyring = getKeyring()): string {
  return encryptSecret(JSON.stringify(value), context, keyring);
}

export function decryptJson<T extends JsonValue = JsonValue>(sealed: string, context: string, keyring: Keyring = getKeyring()): T {
  const text = decryptSecret(sealed, context, keyring);
  try {
    return JSON.parse(text) as T;
  } catch {
    // JSON.parse's own message quotes the input, i.e. the plaintext; don't pass it on.
    throw new DecryptError("not-json", "decrypted value is not JSON", parse(sealed).kid);
  }
}
