/**
 * Where skills live in IRONCLAW_HOME — trust comes from the folder. A module of its own so the
 * registry's installer and the CLI name these folders without importing the loader (and with it
 * the YAML parser and the pattern engine).
 */
export const ownerSkillsFolder = "skills";
export const installedSkillsFolder = "installed_skills";
