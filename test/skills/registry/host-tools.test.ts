import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../../src/config.ts";
import { createRegistryTools } from "../../../src/skills/registry/host-tools.ts";
import { startClawHubFake } from "../../fakes/clawhub/clawhub-fake.ts";
import { forEachBackend } from "../../support/db.ts";
import { createTestToolContext } from "../../support/tool-context.ts";

forEachBackend("registry tools from config", ({ database }) => {
  test("search reaches CLAWHUB_REGISTRY; only skill_search is read-only; install and remove reload", async () => {
    const { db } = await database();
    const fake = startClawHubFake();
    try {
      fake.addSkill({ slug: "weather", version: "1.0.0", summary: "Forecasts" });
      const home = mkdtempSync(join(tmpdir(), "ironclaw-registry-tools-"));
      const config = loadConfig({
        env: { IRONCLAW_HOME: home, CLAWHUB_REGISTRY: fake.url, HTTP_ALLOW_HOSTS: "127.0.0.1" },
        file: { path: join(home, "ironclaw.toml"), values: {}, warnings: [] },
      });
      let reloads = 0;
      const tools = createRegistryTools({
        config,
        db,
        reload: async () => {
          reloads++;
        },
      });
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      expect([...byName.keys()]).toEqual(["skill_search", "skill_install", "skill_remove"]);
      expect(tools.filter((tool) => tool.risk === "read").map((tool) => tool.name)).toEqual(["skill_search"]);
      const context = createTestToolContext();
      const found = await byName.get("skill_search")?.execute({ query: "forecasts" }, context);
      expect(JSON.parse(found?.content ?? "{}").results[0].slug).toBe("weather");
      const install = byName.get("skill_install");
      expect(await install?.precheck?.({ slug: "weather" }, context)).toBeNull();
      expect((await install?.execute({ slug: "weather" }, context))?.isError).toBeUndefined();
      expect(reloads).toBe(1);
      await byName.get("skill_remove")?.execute({ name: "weather" }, context);
      expect(reloads).toBe(2);
    } finally {
      await fake.close();
    }
  });
});
