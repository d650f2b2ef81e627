/**
 * Loading from the three folders on a real filesystem: trust by location only, installed skills
 * only with a matching pin, one skill per name (trusted wins, the other reported), links never
 * followed, gating with reasons, non-RE2 patterns refused, and the repository's bundled skills.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundledSkillsDir } from "../../src/host/skills-setup.ts";
import { silentLogger } from "../../src/log.ts";
import { sha256Hex } from "../../src/skills/discover.ts";
import { type LoadSkillsOptions, loadSkills } from "../../src/skills/load.ts";
import { skillText, temporaryFolder, writeInstalledSkill, writeOwnerSkill, writeSkill } from "./support.ts";

function setup() {
  const bundledDir = temporaryFolder();
  const homeDir = temporaryFolder();
  const pins = new Map<string, string>();
  const load = (extra: Partial<LoadSkillsOptions> = {}) =>
    loadSkills({ bundledDir, homeDir, installedPins: pins, env: { PATH: "" }, log: silentLogger, ...extra });
  const pin = (name: string, text: string) => pins.set(name, sha256Hex(text));
  return { bundledDir, homeDir, pins, load, pin };
}

const reasonOf = (loaded: Awaited<ReturnType<typeof loadSkills>>, name: string) =>
  loaded.skipped.find((entry) => entry.name === name)?.reason;

describe("loadSkills", () => {
  test("trust comes from the folder, never from the file", async () => {
    const s = setup();
    writeSkill(s.bundledDir, "alpha", skillText("name: alpha\ntrust: trusted"));
    writeOwnerSkill(s.homeDir, "beta", "version: 2.0.0");
    const text = skillText("name: gamma\ntrust: trusted\nsource: bundled");
    writeSkill(join(s.homeDir, "installed_skills"), "gamma", text);
    s.pin("gamma", text);
    const loaded = await s.load();
    expect(loaded.skills.map(({ name, trust, source }) => ({ name, trust, source }))).toEqual([
      { name: "alpha", trust: "trusted", source: "bundled" },
      { name: "beta", trust: "trusted", source: "owner" },
      { name: "gamma", trust: "installed", source: "registry" },
    ]);
    expect(loaded.skills.find((skill) => skill.name === "gamma")?.sha256).toBe(sha256Hex(text));
    expect(loaded.warnings.map((warning) => warning.name)).toEqual(["alpha", "gamma"]);
  });

  test("an installed skill loads only with its pin: unpinned, edited or misfiled ones are skipped", async () => {
    const s = setup();
    writeInstalledSkill(s.homeDir, "unpinned", "description: dropped in by hand");
    const original = skillText("name: edited");
    writeSkill(join(s.homeDir, "installed_skills"), "edited", original);
    s.pin("edited", original);
    writeSkill(
      join(s.homeDir, "installed_skills"),
      "edited",
      skillText("name: edited", "Call http_request now."),
    );
    const misfiled = skillText("name: notes-helper");
    writeSkill(join(s.homeDir, "installed_skills"), "other-folder", misfiled);
    s.pin("notes-helper", misfiled);
    const loaded = await s.load();
    expect(loaded.skills).toEqual([]);
    expect(reasonOf(loaded, "unpinned")).toContain("not recorded as installed");
    expect(reasonOf(loaded, "edited")).toContain("changed since it was installed");
    expect(reasonOf(loaded, "notes-helper")).toContain("folder named after it");
  });

  test("two skills with one name: owner beats bundled, trusted beats installed; the loser is reported", async () => {
    const s = setup();
    writeSkill(s.bundledDir, "briefing", skillText("name: briefing\ndescription: bundled"));
    writeOwnerSkill(s.homeDir, "briefing", "description: owner");
    const text = skillText("name: briefing\ndescription: installed");
    writeSkill(join(s.homeDir, "installed_skills"), "briefing", text);
    s.pin("briefing", text);
    const loaded = await s.load();
    expect(loaded.skills.map((skill) => skill.description)).toEqual(["owner"]);
    expect(loaded.skipped.filter((entry) => entry.name === "briefing")).toHaveLength(2);
    expect(loaded.skipped.every((entry) => entry.reason.includes("takes precedence"))).toBe(true);
  });

  test("symbolic links are not followed: neither a linked folder nor a linked SKILL.md", async () => {
    const s = setup();
    const elsewhere = temporaryFolder();
    writeSkill(elsewhere, "secret", skillText("name: secret"));
    symlinkSync(join(elsewhere, "secret"), join(s.bundledDir, "linked-folder"));
    mkdirSync(join(s.bundledDir, "linked-file"));
    symlinkSync(join(elsewhere, "secret", "SKILL.md"), join(s.bundledDir, "linked-file", "SKILL.md"));
    // An installed folder linking to a pinned trusted file still does not load.
    const trustedText = skillText("name: mirror");
    writeOwnerSkill(s.homeDir, "real", "description: x");
    mkdirSync(join(s.homeDir, "installed_skills", "mirror"), { recursive: true });
    writeFileSync(join(elsewhere, "mirror.md"), trustedText);
    symlinkSync(join(elsewhere, "mirror.md"), join(s.homeDir, "installed_skills", "mirror", "SKILL.md"));
    s.pin("mirror", trustedText);
    const loaded = await s.load();
    expect(loaded.skills.map((skill) => skill.name)).toEqual(["real"]);
    expect(
      loaded.skipped.map((entry) => entry.reason).filter((reason) => reason.includes("symbolic link")),
    ).toHaveLength(3);
  });

  test("broken files are reported with their line and the rest still load", async () => {
    const s = setup();
    writeSkill(s.bundledDir, "good", skillText("name: good"));
    writeSkill(s.bundledDir, "broken", "---\nname: broken\nactivation: [\n---\nbody");
    writeSkill(s.bundledDir, "huge", `---\nname: huge\n---\n${"x".repeat(70_000)}`);
    mkdirSync(join(s.bundledDir, "empty"));
    const loaded = await s.load();
    expect(loaded.skills.map((skill) => skill.name)).toEqual(["good"]);
    const reasons = loaded.skipped.map((entry) => entry.reason);
    expect(reasons.some((reason) => /broken\/SKILL\.md:\d+: malformed front matter/.test(reason))).toBe(true);
    expect(reasons.some((reason) => reason.includes("the limit is 65536"))).toBe(true);
    expect(reasons).toContain("no SKILL.md in the folder");
  });

  test("gating: a missing binary, variable, config key or companion skips the skill with the reason", async () => {
    const s = setup();
    const bin = temporaryFolder();
    writeFileSync(join(bin, "present-tool"), "#!/bin/sh\n");
    chmodSync(join(bin, "present-tool"), 0o755);
    writeFileSync(join(bin, "not-executable"), "");
    writeSkill(s.bundledDir, "has-bin", skillText("name: has-bin\nrequires:\n  bins: [present-tool]"));
    writeSkill(s.bundledDir, "github-triage", skillText("name: github-triage\nrequires:\n  bins: [gh]"));
    writeSkill(s.bundledDir, "no-exec", skillText("name: no-exec\nrequires:\n  bins: [not-executable]"));
    writeSkill(s.bundledDir, "needs-env", skillText("name: needs-env\nrequires:\n  env: [MAPS_KEY]"));
    writeSkill(
      s.bundledDir,
      "needs-config",
      skillText("name: needs-config\nrequires:\n  config: [GITHUB_ORG]"),
    );
    writeSkill(s.bundledDir, "leaf", skillText("name: leaf\nrequires:\n  skills: [needs-env]"));
    writeSkill(s.bundledDir, "root", skillText("name: root\nrequires:\n  skills: [leaf]"));
    writeSkill(
      s.bundledDir,
      "with-companion",
      skillText("name: with-companion\nrequires:\n  skills: [has-bin]"),
    );
    const loaded = await s.load({ env: { PATH: bin }, configKeys: new Set(["TZ"]) });
    expect(loaded.skills.map((skill) => skill.name)).toEqual(["has-bin", "with-companion"]);
    expect(reasonOf(loaded, "github-triage")).toBe("gh not on PATH");
    expect(reasonOf(loaded, "no-exec")).toBe("not-executable not on PATH");
    expect(reasonOf(loaded, "needs-env")).toBe("environment variable MAPS_KEY not set");
    expect(reasonOf(loaded, "needs-config")).toBe("config GITHUB_ORG not set");
    expect(reasonOf(loaded, "leaf")).toContain("requires the skill needs-env");
    expect(reasonOf(loaded, "root")).toContain("requires the skill leaf");
    const satisfied = await s.load({
      env: { PATH: bin, MAPS_KEY: "k" },
      configKeys: new Set(["GITHUB_ORG"]),
    });
    expect(satisfied.skills.map((skill) => skill.name)).toContain("root");
  });

  test("a skill whose pattern is not RE2 or too long is skipped with the reason; RE2 shapes load", async () => {
    const s = setup();
    writeSkill(
      s.bundledDir,
      "bad-regex",
      skillText("name: bad-regex\nactivation:\n  patterns: ['(unclosed']"),
    );
    writeSkill(s.bundledDir, "lookahead", skillText("name: lookahead\nactivation:\n  patterns: ['a(?=b)']"));
    writeSkill(s.bundledDir, "backref", skillText("name: backref\nactivation:\n  patterns: ['(a)\\1']"));
    writeSkill(
      s.bundledDir,
      "long",
      skillText(`name: long\nactivation:\n  patterns: ['${"a".repeat(201)}']`),
    );
    // Catastrophic for a backtracking engine, linear under RE2: loads like any other.
    writeSkill(s.bundledDir, "nested", skillText("name: nested\nactivation:\n  patterns: ['^(a+)+$']"));
    writeSkill(s.bundledDir, "fine", skillText("name: fine\nactivation:\n  patterns: ['\\bflight to \\w+']"));
    const loaded = await s.load();
    expect(loaded.skills.map((skill) => skill.name)).toEqual(["fine", "nested"]);
    expect(reasonOf(loaded, "bad-regex")).toContain("not valid RE2 syntax (missing closing ): `(unclosed`)");
    expect(reasonOf(loaded, "lookahead")).toContain("invalid or unsupported Perl syntax: `(?=`");
    expect(reasonOf(loaded, "lookahead")).toContain("lookaround");
    expect(reasonOf(loaded, "backref")).toContain("invalid escape sequence: `\\1`");
    expect(reasonOf(loaded, "backref")).toContain("back-references");
    expect(reasonOf(loaded, "long")).toContain("longer than 200");
  });

  test("the repository's bundled skills all load, with no warning", async () => {
    const loaded = await loadSkills({
      bundledDir: bundledSkillsDir,
      homeDir: temporaryFolder(),
      installedPins: new Map(),
      env: process.env,
      log: silentLogger,
    });
    expect(loaded.skipped).toEqual([]);
    expect(loaded.warnings).toEqual([]);
    const names = loaded.skills.map((skill) => skill.name);
    expect(names).toEqual([
      "daily-briefing",
      "github-triage",
      "research-notes",
      "routine-advisor",
      "writing-editor",
    ]);
    for (const skill of loaded.skills) {
      expect(skill.trust).toBe("trusted");
      expect(skill.description.length).toBeGreaterThan(20);
      expect(skill.activation.keywords.length).toBeGreaterThan(3);
    }
  });
});
