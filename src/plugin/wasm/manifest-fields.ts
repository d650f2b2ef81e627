/**
 * The small vocabulary manifest.ts reads JSON with: every check names the field's path
 * (`http.allowlist[0].host`) so a refusal says exactly what to fix, and every object is checked
 * against the keys it may have, so a misspelt key (`memmory_mib`) is refused instead of silently
 * falling back to a default. Values echoed back in messages are JSON-quoted and cut short, so
 * control characters in a hostile manifest cannot forge a terminal line.
 */
import { AppError } from "../../errors.ts";

/** A manifest that cannot be used, with the field at fault (`limits.memory_mib`). */
export class ManifestError extends AppError {
  readonly field: string;
  constructor(source: string, field: string, problem: string) {
    super("invalid_input", `${source}: ${field ? `${field}: ` : ""}${problem}`, {
      context: { source, field },
    });
    this.field = field;
  }
}

export function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export interface FieldReader {
  readonly source: string;
  fail(field: string, problem: string): never;
  /** An object with only `allowed` keys (an unknown key is refused by its path). */
  object(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown>;
  array(value: unknown, field: string, maxItems: number): unknown[];
  string(value: unknown, field: string, maxLength: number): string;
  integer(value: unknown, field: string, minimum: number, maximum: number, unit?: string): number;
  oneOf<T extends string>(value: unknown, field: string, choices: readonly T[]): T;
}

export function createFieldReader(source: string): FieldReader {
  const fail = (field: string, problem: string): never => {
    throw new ManifestError(source, field, problem);
  };
  const join = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);
  return {
    source,
    fail,
    object(value, field, allowed) {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        fail(field, "must be an object");
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) fail(join(field, key), "unknown field");
      }
      return record;
    },
    array(value, field, maxItems) {
      if (!Array.isArray(value)) fail(field, "must be a list");
      const list = value as unknown[];
      if (list.length > maxItems) fail(field, `at most ${maxItems} entries`);
      return list;
    },
    string(value, field, maxLength) {
      if (typeof value !== "string") fail(field, "must be a string");
      const text = value as string;
      if (text.length > maxLength) fail(field, `at most ${maxLength} characters`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) fail(field, "contains control characters");
      return text;
    },
    integer(value, field, minimum, maximum, unit = "") {
      if (typeof value !== "number" || !Number.isInteger(value)) fail(field, "must be a whole number");
      const number = value as number;
      if (number < minimum || number > maximum) {
        fail(field, `${number}${unit} is impossible: use ${minimum}${unit} to ${maximum}${unit}`);
      }
      return number;
    },
    oneOf(value, field, choices) {
      if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
        fail(field, `${shown(value)} is not one of ${choices.join(", ")}`);
      }
      return value as (typeof choices)[number];
    },
  };
}
