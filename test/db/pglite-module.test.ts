import { expect, test } from "bun:test";
import { compilePgliteModule, discardPgliteModule, takePgliteModule } from "../../src/db/pglite-module.ts";

test("the compile started early is the one taken, and taking forgets it", async () => {
  compilePgliteModule();
  const first = takePgliteModule();
  const module = await first;
  expect(module).toBeInstanceOf(WebAssembly.Module);
  expect(WebAssembly.Module.exports(module as WebAssembly.Module).length).toBeGreaterThan(0);
  const second = takePgliteModule();
  expect(second).not.toBe(first);
  discardPgliteModule();
  expect(takePgliteModule()).not.toBe(second);
});
