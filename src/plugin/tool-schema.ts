/**
 * The TypeScript type of a value that passed a JSON schema, computed from the schema literal:
 * the runner validates every call's arguments against the tool's `parameters` (ajv) before any
 * tool method sees them, so the tool may rely on that type instead of casting each field. Only
 * the subset of JSON schema the tools use is mapped (`type` string/number/integer/boolean/array/
 * object, `enum`, `properties` + `required`, `additionalProperties` as a schema); anything else
 * maps to `unknown`, which is safe: the tool must then check the value itself.
 *
 * Example:
 *   type P = SchemaValue<{ type: "object"; properties: { a: { type: "string" } }; required: ["a"] }>;
 *   // { a: string }
 */

/** The shape of a tool's `parameters`: a JSON-schema object. */
export interface ObjectSchema {
  readonly type: "object";
  readonly properties?: Readonly<Record<string, unknown>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
  readonly [keyword: string]: unknown;
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<Schema> = Schema extends { readonly required: readonly (infer Key)[] } ? Key : never;

type ObjectValue<Properties, Required> = Simplify<
  { -readonly [K in keyof Properties & Required]: SchemaValue<Properties[K]> } & {
    -readonly [K in Exclude<keyof Properties, Required>]?: SchemaValue<Properties[K]>;
  }
>;

export type SchemaValue<Schema> = Schema extends { readonly enum: readonly (infer Member)[] }
  ? Member
  : Schema extends { readonly type: "string" }
    ? string
    : Schema extends { readonly type: "number" | "integer" }
      ? number
      : Schema extends { readonly type: "boolean" }
        ? boolean
        : Schema extends { readonly type: "array"; readonly items: infer Items }
          ? SchemaValue<Items>[]
          : Schema extends { readonly type: "object"; readonly properties: infer Properties }
            ? ObjectValue<Properties, RequiredKeys<Schema>>
            : Schema extends { readonly type: "object"; readonly additionalProperties: infer Values }
              ? Values extends { readonly type: unknown }
                ? Record<string, SchemaValue<Values>>
                : Record<string, unknown>
              : unknown;
