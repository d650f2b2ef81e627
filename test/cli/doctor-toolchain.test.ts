// `doctor` says whether this machine can build WASM tools (tool_build and `tools build` need it).
import { expect, test } from "bun:test";
import { childEnv, runCli, temporaryHome } from "../support/cli.ts";

test("doctor reports the WASM build toolchain", async () => {
  const result = await runCli(["doctor"], childEnv({ IRONCLAW_HOME: temporaryHome() }));
  expect(result.stdout).toContain("  build toolchain: ok (componentize-qjs)");
}, 30_000);
