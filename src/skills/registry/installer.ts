/**
 * Installs and removes registry skills. `prepare` downloads and checks an archive (nothing is
 * written) and returns it with the review the owner must see; `install` takes exactly that
 * prepared archive — re-hashed and re-read, never downloaded again — and makes it real in an
 * order that leaves nothing half-installed: files into a hidden staging folder, one rename into
 * `installed_skills/<name>`, then the pin in the database (the loader loads an installed folder
 * only with a matching pin). A failure after the rename removes the folder again. `remove` drops
 * the pin first (the skill stops loading at once), then the folder. A name taken by a trusted
 * skill (bundled or the owner's) is refused: the trusted one would win anyway, and an installed
 * look-alike would only confuse the owner.
 */
import { join } from "node:path";
import type { Database } from "../../db/client.ts";
import {
  getInstalledSkill,
  type InstalledSkillRow,
  recordInstalledSkill,
  removeInstalledSkill,
} from "../../db/installed-skills.ts";
import { AppError } from "../../errors.ts";
import { installedSkillsFolder } from "../folders.ts";
import { type ParsedSkill, skillNamePattern } from "../parse.ts";
import { type ArchiveLimits, readSkillArchive, type SkillArchiveFile, sha256Hex } from "./archive.ts";
import type { RegistryClient } from "./client.ts";
import { formatSkillReview, type SkillReviewFacts } from "./review.ts";
import { placeSkillFolder, removeSkillFolder } from "./skill-folder.ts";

export interface SkillInstallerOptions {
  readonly db: Database;
  /** IRONCLAW_HOME. */
  readonly home: string;
  readonly registry: RegistryClient;
  /** Names of the trusted skills (bundled and the owner's), which an install may not take. */
  readonly trustedNames: () => Promise<ReadonlySet<string>>;
  /** Runs after every install and removal (the host reloads its skills). */
  readonly afterChange?: () => Promise<void>;
  readonly limits?: ArchiveLimits;
}

/** A downloaded, checked archive and what the owner is shown about it. */
export interface PreparedSkill extends SkillReviewFacts {
  readonly archive: Uint8Array;
  readonly files: readonly SkillArchiveFile[];
}

export interface RemovedSkill {
  readonly name: string;
  readonly hadPin: boolean;
  readonly hadFolder: boolean;
}

export function createSkillInstaller(options: SkillInstallerOptions) {
  const { db } = options;
  const parent = join(options.home, installedSkillsFolder);

  async function refuseName(skill: ParsedSkill): Promise<void> {
    if ((await options.trustedNames()).has(skill.name))
      throw new AppError(
        "conflict",
        `"${skill.name}" is the name of a trusted skill (bundled or in IRONCLAW_HOME/skills); the trusted one would win, so this one is not installed`,
      );
    const installed = await getInstalledSkill(db, skill.name);
    if (installed)
      throw new AppError(
        "conflict",
        `"${skill.name}" is already installed (version ${installed.version} from ${installed.slug}); remove it first`,
      );
  }

  function check(archive: Uint8Array, slug: string, version: string | undefined): PreparedSkill {
    const read = readSkillArchive(archive, options.limits);
    return {
      skill: read.skill,
      slug,
      version: version ?? read.skill.version,
      registryUrl: options.registry.baseUrl,
      skillSha256: read.skillSha256,
      archiveSha256: sha256Hex(archive),
      archiveSize: archive.byteLength,
      fileCount: read.files.length,
      totalBytes: read.totalBytes,
      archive,
      files: read.files,
    };
  }

  return {
    /** Downloads and checks `slug`; writes nothing. */
    async prepare(slug: string, version?: string, signal?: AbortSignal): Promise<PreparedSkill> {
      const downloaded = await options.registry.download(slug, version, signal);
      const prepared = check(downloaded.bytes, slug, version);
      await refuseName(prepared.skill);
      return prepared;
    },

    /**
     * A held archive's bytes checked again, as on download (after a restart the approval installs
     * the stored bytes; they must still pass every check and hash to what the owner reviewed).
     */
    reopen(held: { archive: Uint8Array; slug: string; version?: string | null; archiveSha256: string }) {
      const prepared = check(held.archive, held.slug, held.version ?? undefined);
      if (prepared.archiveSha256 !== held.archiveSha256)
        throw new AppError(
          "invalid_input",
          "the held archive does not match its hash; nothing was installed",
        );
      return prepared;
    },

    review(prepared: PreparedSkill, bodyLines?: number): string[] {
      return formatSkillReview(prepared, bodyLines);
    },

    /** Installs exactly the prepared archive; `expectedSha256` is the archive hash the owner saw. */
    async install(
      prepared: PreparedSkill,
      expectedSha256 = prepared.archiveSha256,
    ): Promise<InstalledSkillRow> {
      if (sha256Hex(prepared.archive) !== expectedSha256)
        throw new AppError(
          "invalid_input",
          "the archive is not the one the owner reviewed; nothing was installed",
        );
      // Re-read from the bytes themselves: what lands on disk is derived from what was hashed.
      const checked = check(prepared.archive, prepared.slug, prepared.version);
      if (checked.skillSha256 !== prepared.skillSha256 || checked.skill.name !== prepared.skill.name)
        throw new AppError("invalid_input", "the archive does not match its review; nothing was installed");
      await refuseName(checked.skill);
      const name = checked.skill.name;
      await placeSkillFolder(parent, name, checked.files);
      let row: InstalledSkillRow;
      try {
        row = await recordInstalledSkill(db, {
          name,
          slug: checked.slug,
          version: checked.version,
          sha256: checked.skillSha256,
          archiveSha256: checked.archiveSha256,
          archiveSize: checked.archiveSize,
          registryUrl: checked.registryUrl,
          files: checked.files.map((file) => ({
            path: file.path,
            sha256: file.sha256,
            size: file.bytes.byteLength,
          })),
        });
      } catch (error) {
        await removeSkillFolder(parent, name).catch(() => false);
        throw error;
      }
      await options.afterChange?.();
      return row;
    },

    /** Removes an installed skill: its pin first, then its folder. */
    async remove(name: string): Promise<RemovedSkill> {
      if (!skillNamePattern.test(name)) throw new AppError("invalid_input", `"${name}" is not a skill name`);
      const hadPin = await removeInstalledSkill(db, name);
      const hadFolder = await removeSkillFolder(parent, name);
      if (!hadPin && !hadFolder) throw new AppError("not_found", `no installed skill named "${name}"`);
      await options.afterChange?.();
      return { name, hadPin, hadFolder };
    },
  };
}

export type SkillInstaller = ReturnType<typeof createSkillInstaller>;
