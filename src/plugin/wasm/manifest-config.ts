/**
 * The `config` of a channel manifest: a JSON object handed to the guest's `on-start` (a
 * homeserver URL, options). It is shown to the owner, stored in the database as plain JSON and
 * readable by the guest, so secrets do not belong in it: a token goes into the secret store and
 * is named in `credentials`, where the host injects it without the guest ever seeing it. Two
 * checks refuse the obvious mistakes: the leak detector's patterns over the whole object (API
 * keys, private keys, JWTs…), and a string value of eight characters or more under a key that
 * names a secret (`access_token`, `password`, `api_key`; `token_header` or `secret_name` merely
 * talk about one and pass). Size and depth are bounded so a manifest stays reviewable.
 */
import { createLeakDetector } from "../../safety/leak-detector.ts";
import { type FieldReader, shown } from "./manifest-fields.ts";

export const maxConfigBytes = 16 * 1024;
const maxDepth = 8;
const secretKey = /(token|password|passwd|secret|api[_-]?key|private[_-]?key|credential|authorization)/i;
const talksAboutSecret = /(name|header|names|headers|url|type|field)$/i;

let detector: ReturnType<typeof createLeakDetector> | undefined;

function visit(reader: FieldReader, value: unknown, path: string, depth: number): void {
  if (depth > maxDepth) reader.fail(path, `nested deeper than ${maxDepth} levels`);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) visit(reader, item, `${path}[${index}]`, depth + 1);
    return;
  }
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) reader.fail(path, "must be a finite number");
    return;
  }
  for (const [key, inner] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (
      typeof inner === "string" &&
      inner.length >= 8 &&
      secretKey.test(key) &&
      !talksAboutSecret.test(key)
    ) {
      reader.fail(
        at,
        `looks like a secret (${shown(key)}): store it with \`ironclaw secrets set\` and name it in credentials; config is readable by the channel`,
      );
    }
    visit(reader, inner, at, depth + 1);
  }
}

export function readChannelConfig(reader: FieldReader, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  const config = reader.object(value, "config", Object.keys((value ?? {}) as object));
  const text = JSON.stringify(config);
  if (Buffer.byteLength(text, "utf8") > maxConfigBytes)
    reader.fail("config", `is larger than ${maxConfigBytes / 1024} KiB`);
  visit(reader, config, "config", 1);
  detector ??= createLeakDetector();
  const finding = detector.scan(text).findings.find((entry) => entry.action !== "warn");
  if (finding)
    reader.fail(
      "config",
      `contains what looks like a credential (${finding.name}): store it with \`ironclaw secrets set\` and name it in credentials`,
    );
  return JSON.parse(text) as Record<string, unknown>;
}
