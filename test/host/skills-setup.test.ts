/**
 * Skills in the host: loaded in the background from the bundled folder and IRONCLAW_HOME with the
 * pins from the database, one summary line, `skill_list` showing loaded and skipped skills, and a
 * reload when an install is announced on the change feed — so a skill installed while the host
 * runs is selected from the next turn.
 */
import { afterEach, expect, test } from "bun:test";
import { createChangeFeed } from "../../src/db/change-feed.ts";
import { createSkillsFeature, summarize } from "../../src/host/skills-setup.ts";
import { createLogger } from "../../src/log.ts";
import { createSkillListTool } from "../../tools/skills/skill-list.ts";
import {
  pinInstalledSkill,
  skillText,
  temporaryFolder,
  writeInstalledSkill,
  writeOwnerSkill,
  writeSkill,
} from "../skills/support.ts";
import { forEachBackend } from "../support/db.ts";
import { createTestToolContext } from "../support/tool-context.ts";

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

test("the summary line counts each source and names every skipped skill with its reason", () => {
  const skill = (name: string, source: "bundled" | "owner" | "registry") =>
    ({ name, source }) as Parameters<typeof summarize>[0]["skills"][number];
  expect(
    summarize({
      skills: [skill("a", "bundled"), skill("b", "bundled"), skill("c", "owner")],
      skipped: [{ name: "github-triage", path: "/x", reason: "gh not on PATH" }],
      warnings: [],
    }),
  ).toBe("skills: 2 bundled, 1 trusted, 0 installed; 1 skipped (github-triage: gh not on PATH)");
});

forEachBackend("skills in the host", ({ database }) => {
  test("loads when asked (the assistant asks once ready), logs the summary, lists skills with skill_list, reloads on an install", async () => {
    const handle = await database();
    const bundledDir = temporaryFolder();
    const home = temporaryFolder();
    writeSkill(bundledDir, "briefing", skillText("name: briefing\nactivation:\n  keywords: [briefing]"));
    writeSkill(bundledDir, "needs-gh", skillText("name: needs-gh\nrequires:\n  bins: [gh]"));
    writeOwnerSkill(home, "mine", "version: 2.0.0\ndescription: The owner's own");
    const lines: string[] = [];
    const log = createLogger({ format: "json", write: (line) => lines.push(line) });
    const changes = await createChangeFeed(handle);
    open.push(changes);
    const skills = createSkillsFeature({
      config: { home, values: { SKILLS_MAX_ACTIVE: 3, SKILLS_MAX_CONTEXT_TOKENS: 4000 }, httpAllowHosts: [] },
      db: handle.db,
      log,
      env: { PATH: "" },
      bundledDir,
    });
    skills.attach(changes);
    await skills.ready();
    expect(lines).toEqual([]); // nothing loaded before it is needed or the assistant is ready
    await skills.load();
    expect(lines.map((line) => JSON.parse(line).msg)).toContain(
      "skills: 1 bundled, 1 trusted, 0 installed; 1 skipped (needs-gh: gh not on PATH)",
    );

    expect(skills.tools.map((tool) => tool.name)).toEqual([
      "skill_list",
      "skill_search",
      "skill_install",
      "skill_remove",
    ]);
    const [listTool] = skills.tools;
    const listed = JSON.parse((await listTool?.execute({}, createTestToolContext()))?.content ?? "{}");
    expect(listed.skills).toEqual([
      { name: "briefing", version: "0.0.0", trust: "trusted", source: "bundled", description: "" },
      { name: "mine", version: "2.0.0", trust: "trusted", source: "owner", description: "The owner's own" },
    ]);
    expect(listed.skipped).toEqual([{ name: "needs-gh", reason: "gh not on PATH" }]);
    expect(JSON.stringify(listed)).not.toContain("Do the thing.");
    expect((await skills.selectSkills("morning briefing please")).skills.map((skill) => skill.name)).toEqual([
      "briefing",
    ]);

    // An install announced on the change feed: the next selection sees it, as installed.
    writeInstalledSkill(home, "prices", "activation:\n  keywords: [price]");
    expect((await skills.selectSkills("the price of tea")).skills).toEqual([]);
    await pinInstalledSkill(handle.db, home, "prices");
    await eventually(async () => (await skills.loaded()).skills.some((skill) => skill.name === "prices"));
    const chosen = await skills.selectSkills("the price of tea");
    expect(chosen.skills).toEqual([{ name: "prices", version: "0.0.0", trust: "installed" }]);
    expect(chosen.ceiling).toBe("read-only");
  });
});

test("skill_list is read risk, never asks, and shows warnings for unknown keys", async () => {
  const tool = createSkillListTool({
    loaded: () => ({
      skills: [],
      skipped: [],
      warnings: [{ name: "pdf", message: "unknown keys: metadata" }],
    }),
  });
  expect(tool.risk).toBe("read");
  expect(tool.approval).toBe("never");
  const result = JSON.parse((await tool.execute({}, createTestToolContext())).content);
  expect(result).toEqual({
    skills: [],
    skipped: [],
    warnings: [{ name: "pdf", message: "unknown keys: metadata" }],
  });
});
