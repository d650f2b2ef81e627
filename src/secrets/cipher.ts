/**
 * Encryption of one secret value: AES-256-GCM under a key derived for that secret alone with
 * HKDF-SHA256 from the master key and a fresh random salt, and the secret's name as associated
 * data (a ciphertext copied onto another name's row fails authentication instead of decrypting).
 * `keyIdOf` fingerprints a master key without revealing it, so a wrong key is recognised before
 * decrypting and reported as such, never as garbage or as corruption.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

export interface SealedSecret {
  salt: string;
  iv: string;
  /** Base64 of ciphertext followed by the 16-byte GCM tag. */
  ciphertext: string;
  keyId: string;
}

const info = Buffer.from("ironclaw secret v1");
const tagLength = 16;

function deriveKey(masterKey: Uint8Array, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, salt, info, 32));
}

export function keyIdOf(masterKey: Uint8Array): string {
  return createHmac("sha256", masterKey).update("ironclaw master key id").digest("hex").slice(0, 16);
}

export function sealSecret(masterKey: Uint8Array, name: string, value: string): SealedSecret {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(masterKey, salt), iv, { authTagLength: tagLength });
  cipher.setAAD(Buffer.from(name, "utf8"));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return {
    salt: salt.toString("base64"),
    iv: iv.toString("base64"),
    ciphertext: body.toString("base64"),
    keyId: keyIdOf(masterKey),
  };
}

/** Throws (any error) when the ciphertext fails authentication; the caller names the secret. */
export function openSecret(masterKey: Uint8Array, name: string, sealed: Omit<SealedSecret, "keyId">): string {
  const body = Buffer.from(sealed.ciphertext, "base64");
  if (body.length < tagLength) throw new Error("ciphertext shorter than its tag");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    deriveKey(masterKey, Buffer.from(sealed.salt, "base64")),
    Buffer.from(sealed.iv, "base64"),
    { authTagLength: tagLength },
  );
  decipher.setAAD(Buffer.from(name, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - tagLength));
  return Buffer.concat([
    decipher.update(body.subarray(0, body.length - tagLength)),
    decipher.final(),
  ]).toString("utf8");
}
