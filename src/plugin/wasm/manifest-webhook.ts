/**
 * The `webhook.verification` part of a channel manifest: how the host checks a request to
 * `/channels/<name>/…` before any guest code runs. The manifest names secrets, never holds them
 * (the host reads them from the secret store). Rules that make a verification mean something:
 *   - a secret it names is listed in `secrets.allowed_names` (every secret a channel involves is
 *     in one list the owner reads) and is not one of the `credentials` (a token the host sends to
 *     the platform's API is not also handed to whoever posts webhooks: one leak, one secret);
 *   - an HMAC template signs both `{timestamp}` and `{body}`, else a captured request replays
 *     forever or a body is swapped under a valid signature;
 *   - an Ed25519 key is 32 bytes of hex; the staleness window is 1 s to 1 h (default 5 min).
 */
import type { CredentialGrant, WebhookVerification } from "./contract.ts";
import { type FieldReader, shown } from "./manifest-fields.ts";

const headerPattern = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
export const defaultToleranceSeconds = 300;

interface SecretRules {
  readonly allowedNames: readonly string[];
  readonly credentials: readonly CredentialGrant[];
}

function readHeader(reader: FieldReader, value: unknown, field: string): string {
  if (value === undefined) reader.fail(field, "is required");
  const header = reader.string(value, field, 64);
  if (!headerPattern.test(header)) reader.fail(field, `${shown(header)} is not an HTTP header name`);
  return header.toLowerCase();
}

function readSecret(reader: FieldReader, value: unknown, field: string, rules: SecretRules): string {
  if (value === undefined) reader.fail(field, "is required (the name of a stored secret)");
  const name = reader.string(value, field, 64);
  if (!rules.allowedNames.includes(name))
    reader.fail(field, `${shown(name)} must also be listed in secrets.allowed_names`);
  if (rules.credentials.some((grant) => grant.secret === name))
    reader.fail(
      field,
      `${shown(name)} is a credential sent to the platform's API; the webhook needs a secret of its own`,
    );
  return name;
}

function readTolerance(reader: FieldReader, value: unknown, field: string): number {
  if (value === undefined) return defaultToleranceSeconds;
  return reader.integer(value, field, 1, 3600, " s");
}

/** Every key of any type; each type then refuses the keys that are not its own. */
const everyKey = [
  "type",
  "header",
  "secret",
  "signature_header",
  "signature_prefix",
  "timestamp_header",
  "signed_template",
  "tolerance_seconds",
  "public_key",
];

export function readWebhookVerification(
  reader: FieldReader,
  value: unknown,
  field: string,
  rules: SecretRules,
): WebhookVerification {
  if (value === undefined) reader.fail(field, "is required: a webhook the host does not verify is refused");
  const type = reader.object(value, field, everyKey).type;
  const at = (key: string) => `${field}.${key}`;
  switch (reader.oneOf(type, at("type"), ["shared-secret", "hmac-sha256", "ed25519"])) {
    case "shared-secret": {
      const raw = reader.object(value, field, ["type", "header", "secret"]);
      return {
        type: "shared-secret",
        header: readHeader(reader, raw.header, at("header")),
        secret: readSecret(reader, raw.secret, at("secret"), rules),
      };
    }
    case "hmac-sha256": {
      const raw = reader.object(value, field, [
        "type",
        "secret",
        "signature_header",
        "signature_prefix",
        "timestamp_header",
        "signed_template",
        "tolerance_seconds",
      ]);
      const template =
        raw.signed_template === undefined
          ? "{timestamp}.{body}"
          : reader.string(raw.signed_template, at("signed_template"), 128);
      for (const placeholder of ["{timestamp}", "{body}"])
        if (!template.includes(placeholder))
          reader.fail(
            at("signed_template"),
            `must contain ${placeholder} (else requests can be replayed or altered)`,
          );
      return {
        type: "hmac-sha256",
        secret: readSecret(reader, raw.secret, at("secret"), rules),
        signatureHeader: readHeader(reader, raw.signature_header, at("signature_header")),
        signaturePrefix:
          raw.signature_prefix === undefined
            ? ""
            : reader.string(raw.signature_prefix, at("signature_prefix"), 32),
        timestampHeader: readHeader(reader, raw.timestamp_header, at("timestamp_header")),
        signedTemplate: template,
        toleranceSeconds: readTolerance(reader, raw.tolerance_seconds, at("tolerance_seconds")),
      };
    }
    case "ed25519": {
      const raw = reader.object(value, field, [
        "type",
        "public_key",
        "signature_header",
        "timestamp_header",
        "tolerance_seconds",
      ]);
      if (raw.public_key === undefined) reader.fail(at("public_key"), "is required (64 hex characters)");
      const publicKey = reader.string(raw.public_key, at("public_key"), 128).toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(publicKey))
        reader.fail(at("public_key"), "must be an Ed25519 public key: 32 bytes as 64 hex characters");
      return {
        type: "ed25519",
        publicKey,
        signatureHeader: readHeader(reader, raw.signature_header, at("signature_header")),
        timestampHeader: readHeader(reader, raw.timestamp_header, at("timestamp_header")),
        toleranceSeconds: readTolerance(reader, raw.tolerance_seconds, at("tolerance_seconds")),
      };
    }
  }
}

/** The snake_case form (stored in the database, parsed again on load). */
export function webhookVerificationToJson(verification: WebhookVerification): Record<string, unknown> {
  switch (verification.type) {
    case "shared-secret":
      return { type: verification.type, header: verification.header, secret: verification.secret };
    case "hmac-sha256":
      return {
        type: verification.type,
        secret: verification.secret,
        signature_header: verification.signatureHeader,
        signature_prefix: verification.signaturePrefix,
        timestamp_header: verification.timestampHeader,
        signed_template: verification.signedTemplate,
        tolerance_seconds: verification.toleranceSeconds,
      };
    case "ed25519":
      return {
        type: verification.type,
        public_key: verification.publicKey,
        signature_header: verification.signatureHeader,
        timestamp_header: verification.timestampHeader,
        tolerance_seconds: verification.toleranceSeconds,
      };
  }
}
