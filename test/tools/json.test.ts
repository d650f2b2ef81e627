import { describe, expect, test } from "bun:test";
import { createJsonTool } from "../../tools/json/index.ts";
import { parseQuery } from "../../tools/json/query-path.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const context = createTestToolContext();
const tool = createJsonTool();
const document = JSON.stringify({
  items: [
    { name: "first", tags: ["a", "b"] },
    { name: "second", price: 2.5, extra: null },
  ],
  a: { b: { c: true } },
  "odd.key": { "with space": 7 },
  count: 2,
});

async function query(text: string | undefined, source = document) {
  return tool.execute(text === undefined ? { document: source } : { document: source, query: text }, context);
}

describe("json tool", () => {
  test.each([
    ["items[0].name", '"first"'],
    ["a.b.c", "true"],
    ["a.b", '{"c":true}'],
    ["items[1].price", "2.5"],
    ["items[1].extra", "null"],
    ["items[0].tags[1]", '"b"'],
    ["items[-1].name", '"second"'],
    ['["odd.key"]["with space"]', "7"],
    ["['odd.key']['with space']", "7"],
    ["$.count", "2"],
    ["$.items[0].tags", '["a","b"]'],
    ["  a.b.c  ", "true"],
  ])("query %s selects %s", async (path, expected) => {
    const result = await query(path);
    expect(result.isError).toBeFalsy();
    expect(result.content).toBe(expected);
  });

  test("no query, an empty query or `$` returns the whole document", async () => {
    const whole = JSON.stringify(JSON.parse(document));
    expect((await query(undefined)).content).toBe(whole);
    expect((await query("")).content).toBe(whole);
    expect((await query("$")).content).toBe(whole);
  });

  test("an index into a top-level array", async () => {
    expect((await query("[1]", "[10, 20, 30]")).content).toBe("20");
  });

  test("invalid JSON is an error result that says so", async () => {
    const result = await query("a", "{not json");
    expect(result.isError).toBe(true);
    expect(result.content).toStartWith("The document is not valid JSON:");
  });

  test("a missing key names the path and the keys that exist", async () => {
    const result = await query("a.b.missing");
    expect(result.isError).toBe(true);
    expect(result.content).toContain('no key "missing" in $.a.b');
    expect(result.content).toContain("its keys: c");
  });

  test("an index out of range names the array length", async () => {
    const result = await query("items[5].name");
    expect(result.isError).toBe(true);
    expect(result.content).toContain("index [5] is out of range: $.items is an array of length 2");
  });

  test("indexing a non-array and reading a key of a scalar are errors", async () => {
    expect((await query("a[0]")).content).toContain("cannot take index [0] of $.a: it is an object");
    expect((await query("count.value")).content).toContain(
      'cannot read key "value" of $.count: it is a number',
    );
    expect((await query("items.name")).content).toContain("it is an array of length 2");
  });

  test("prototype members are not reachable", async () => {
    for (const path of ["constructor", "a.__proto__", "a.toString"]) {
      const result = await query(path);
      expect(result.isError).toBe(true);
    }
  });

  test.each(["a..b", "items[0", "items[x]", "items[*]", "a.", "$a", "a]"])(
    "malformed query %s is an error result",
    async (path) => {
      const result = await query(path);
      expect(result.isError).toBe(true);
      expect(result.content).toStartWith(`Query "${path}" failed:`);
    },
  );

  test("parses paths into key and index segments", () => {
    expect(parseQuery('$.items[-1]["x.y"].z')).toEqual([
      { kind: "key", key: "items" },
      { kind: "index", index: -1 },
      { kind: "key", key: "x.y" },
      { kind: "key", key: "z" },
    ]);
  });
});
