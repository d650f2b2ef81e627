import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listInstalledSkillPins } from "../../../src/db/installed-skills.ts";
import { createHttpPort } from "../../../src/plugin/ports/http/http-port.ts";
import { createRegistryClient } from "../../../src/skills/registry/client.ts";
import { createSkillRegistry } from "../../../src/skills/registry/setup.ts";
import { createSkillRemoveTool, createSkillSearchTool } from "../../../tools/skills/index.ts";
import { type ClawHubFake, startClawHubFake } from "../../fakes/clawhub/clawhub-fake.ts";
import { forEachBackend } from "../../support/db.ts";
import { createTestToolContext } from "../../support/tool-context.ts";

let fake: ClawHubFake;
beforeAll(() => {
  fake = startClawHubFake();
  fake.addSkill({ slug: "weather", displayName: "Weather", summary: "Forecasts", version: "1.2.0" });
});
afterAll(() => fake.close());

const http = createHttpPort({ allowHosts: ["127.0.0.1"] });

test("skill_search is a read-only, never-asking tool that returns the registry's results", async () => {
  const tool = createSkillSearchTool(createRegistryClient({ baseUrl: fake.url, http }));
  expect(tool.risk).toBe("read");
  expect(tool.approval).toBe("never");
  const result = await tool.execute({ query: "forecasts" }, createTestToolContext());
  expect(JSON.parse(result.content)).toEqual({
    registry: fake.url,
    results: [{ slug: "weather", name: "Weather", version: "1.2.0", summary: "Forecasts", score: 1 }],
  });
});

test("skill_search reports a registry that is down as a result for the model", async () => {
  const down = startClawHubFake();
  await down.close();
  const tool = createSkillSearchTool(createRegistryClient({ baseUrl: down.url, http }));
  const result = await tool.execute({ query: "weather" }, createTestToolContext());
  expect(result.isError).toBe(true);
  expect(result.content).toContain(`the skill registry at ${down.url} is unreachable`);
});

forEachBackend("skill_remove", ({ database }) => {
  test("removes an installed skill; an unknown or path-like name is an error result", async () => {
    const { db } = await database();
    const home = mkdtempSync(join(tmpdir(), "ironclaw-skill-remove-"));
    const { installer } = createSkillRegistry({ db, home, registryUrl: fake.url, allowHosts: ["127.0.0.1"] });
    await installer.install(await installer.prepare("weather"));
    const tool = createSkillRemoveTool(installer);
    expect(tool.approval).toBe("unless-auto-approved");
    const removed = await tool.execute({ name: "weather" }, createTestToolContext());
    expect(JSON.parse(removed.content)).toEqual({ removed: "weather" });
    expect(existsSync(join(home, "installed_skills", "weather"))).toBe(false);
    expect((await listInstalledSkillPins(db)).size).toBe(0);
    const again = await tool.execute({ name: "weather" }, createTestToolContext());
    expect(again).toEqual({ isError: true, content: 'no installed skill named "weather"' });
    const climbing = await tool.execute({ name: "../skills" }, createTestToolContext());
    expect(climbing.isError).toBe(true);
  });
});
