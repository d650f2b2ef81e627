/** The skill install prompt on a terminal: only "y" or "yes" installs; anything else leaves nothing behind. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SkillsIo, WithRegistry } from "../../src/cli/skills.ts";
import { runSkillsInstall } from "../../src/cli/skills-install.ts";
import type { Database } from "../../src/db/client.ts";
import { listInstalledSkillPins } from "../../src/db/installed-skills.ts";
import { silentLogger } from "../../src/log.ts";
import { loadSkills } from "../../src/skills/load.ts";
import { createSkillRegistry } from "../../src/skills/registry/setup.ts";
import { type ClawHubFake, startClawHubFake } from "../fakes/clawhub/clawhub-fake.ts";
import { forEachBackend } from "../support/db.ts";

let fake: ClawHubFake;
beforeAll(() => {
  fake = startClawHubFake();
  fake.addSkill({ slug: "notes", version: "0.1.0" });
});
afterAll(() => fake.close());

function terminal(answer: string) {
  const out: string[] = [];
  const questions: string[] = [];
  const io: SkillsIo = {
    print: (line) => out.push(line),
    printError: (line) => out.push(line),
    isTerminal: true,
    ask: async (question) => {
      questions.push(question);
      return answer;
    },
  };
  return { io, out, questions };
}

function registryFor(db: Database, home: string): WithRegistry {
  const bundledDir = mkdtempSync(join(tmpdir(), "ironclaw-bundled-"));
  const registry = createSkillRegistry({
    db,
    home,
    bundledDir,
    registryUrl: fake.url,
    allowHosts: ["127.0.0.1"],
  });
  const load = async () =>
    loadSkills({
      bundledDir,
      homeDir: home,
      installedPins: await listInstalledSkillPins(db),
      env: {},
      log: silentLogger,
    });
  return (work) => work({ registry, load, db });
}

forEachBackend("skills install on a terminal", ({ database }) => {
  test("the owner's answer decides", async () => {
    const { db } = await database();
    const home = mkdtempSync(join(tmpdir(), "ironclaw-skills-cli-"));
    const withRegistry = registryFor(db, home);
    for (const answer of ["", "n", "no thanks", "Y es"]) {
      const { io, out, questions } = terminal(answer);
      expect(await runSkillsInstall(["notes"], io, withRegistry)).toBe(1);
      expect(questions).toEqual(["Install this skill? [y/N] "]);
      expect(out.at(-1)).toBe("Not installed.");
    }
    expect(existsSync(join(home, "installed_skills"))).toBe(false);
    expect((await listInstalledSkillPins(db)).size).toBe(0);
    const { io, out } = terminal(" Yes\n");
    expect(await runSkillsInstall(["notes", "--version", "0.1.0"], io, withRegistry)).toBe(0);
    expect(out.some((line) => line.startsWith("Installed notes 0.1.0"))).toBe(true);
    expect([...(await listInstalledSkillPins(db)).keys()]).toEqual(["notes"]);
  });

  test("bad arguments are the usage line, exit 2", async () => {
    const { db } = await database();
    const withRegistry = registryFor(db, mkdtempSync(join(tmpdir(), "ironclaw-skills-cli-")));
    for (const args of [[], ["a", "b"], ["notes", "--version"], ["notes", "--force"]]) {
      const { io, out } = terminal("y");
      expect(await runSkillsInstall(args, io, withRegistry)).toBe(2);
      expect(out).toEqual(["Usage: ironclaw skills install SLUG [--version V] [--yes]"]);
    }
  });
});
