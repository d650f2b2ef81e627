import { expect, test } from "bun:test";
import {
  getInstalledSkill,
  listInstalledSkillPins,
  listInstalledSkills,
  type NewInstalledSkill,
  recordInstalledSkill,
  removeInstalledSkill,
} from "../../src/db/installed-skills.ts";
import { ConflictError } from "../../src/errors.ts";
import { forEachBackend } from "../support/db.ts";

const weather: NewInstalledSkill = {
  name: "weather",
  slug: "someone/weather",
  version: "1.2.0",
  sha256: "a".repeat(64),
  archiveSha256: "b".repeat(64),
  archiveSize: 1234,
  registryUrl: "https://clawhub.example",
  files: [{ path: "SKILL.md", sha256: "a".repeat(64), size: 900 }],
};

forEachBackend("installed skill pins", ({ database }) => {
  test("a recorded install is listed as a pin and removed again", async () => {
    const { db } = await database();
    expect((await listInstalledSkillPins(db)).size).toBe(0);
    await recordInstalledSkill(db, weather);
    expect(await listInstalledSkillPins(db)).toEqual(new Map([["weather", "a".repeat(64)]]));
    const row = await getInstalledSkill(db, "weather");
    expect(row?.files).toEqual(weather.files);
    expect(row?.installedAt).toBeInstanceOf(Date);
    expect((await listInstalledSkills(db)).map((skill) => skill.name)).toEqual(["weather"]);
    expect(await removeInstalledSkill(db, "weather")).toBe(true);
    expect(await removeInstalledSkill(db, "weather")).toBe(false);
    expect((await listInstalledSkillPins(db)).size).toBe(0);
  });

  test("a second install of the same name is a conflict and keeps the first pin", async () => {
    const { db } = await database();
    await recordInstalledSkill(db, weather);
    const second = recordInstalledSkill(db, { ...weather, sha256: "c".repeat(64) });
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    expect((await listInstalledSkillPins(db)).get("weather")).toBe("a".repeat(64));
  });
});
