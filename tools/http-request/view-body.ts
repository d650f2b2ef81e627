/**
 * What the model is shown of a response body: its text, or — for images, archives, PDFs and
 * anything else that is not text — a note that it is binary, with its size and type. Decoded
 * binary is mojibake: it fills the context with nothing the model can use.
 *
 * A body is binary when its content type is not a text type, when it contains a NUL byte (no
 * text does; almost every binary format does), or when it has no content type and is not valid
 * UTF-8. A body whose type says text is decoded with its charset (UTF-8 if none is named; if it
 * is not valid UTF-8 then, windows-1252, which old pages use without saying so), a stray bad
 * byte becoming U+FFFD. A character cut by the byte cap is dropped, not garbled.
 */

export type BodyView = { kind: "text"; text: string } | { kind: "binary"; contentType: string };

const textTypes = new Set([
  "application/json",
  "application/xml",
  "application/javascript",
  "application/ecmascript",
  "application/x-www-form-urlencoded",
  "application/yaml",
  "application/x-yaml",
  "application/toml",
  "application/graphql",
  "application/x-ndjson",
  "application/ndjson",
  "application/csv",
  "application/sql",
]);

export function isTextType(mime: string): boolean {
  return (
    mime.startsWith("text/") ||
    textTypes.has(mime) ||
    mime.endsWith("+json") ||
    mime.endsWith("+xml") ||
    mime.endsWith("+yaml")
  );
}

function decoderFor(label: string, fatal: boolean): TextDecoder | null {
  try {
    return new TextDecoder(label as ConstructorParameters<typeof TextDecoder>[0], { fatal });
  } catch {
    return null; // a label TextDecoder does not know
  }
}

function decode(bytes: Uint8Array, label: string, fatal: boolean, truncated: boolean): string | null {
  try {
    return decoderFor(label, fatal)?.decode(bytes, { stream: truncated }) ?? null;
  } catch {
    return null;
  }
}

export function viewBody(bytes: Uint8Array, contentType: string | null, truncated: boolean): BodyView {
  const type = contentType ?? "";
  const mime = (type.split(";")[0] ?? "").trim().toLowerCase();
  const binary: BodyView = { kind: "binary", contentType: mime || "unknown" };
  if (mime !== "" && !isTextType(mime)) return binary;
  if (bytes.includes(0)) return binary;
  const utf8 = decode(bytes, "utf-8", true, truncated);
  if (mime === "") return utf8 === null ? binary : { kind: "text", text: utf8 };
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  const declared = charset === undefined ? null : decode(bytes, charset, false, truncated);
  const text = declared ?? utf8 ?? (decode(bytes, "windows-1252", false, truncated) as string);
  return { kind: "text", text };
}
