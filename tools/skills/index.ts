/**
 * The skill tools: `skill_list` (what is loaded and what was skipped, and why), `skill_search`
 * (the registry, read-only), `skill_install` (approval every time, the owner sees what the skill
 * asks for) and `skill_remove`. Each is built from the capability it needs — the loaded skills,
 * the registry client, the installer — which the host wires (src/host/skills-setup.ts).
 */
export { createSkillInstallTool, type SkillInstallToolOptions } from "./skill-install.ts";
export { createSkillListTool, type SkillListToolDeps } from "./skill-list.ts";
export { createSkillRemoveTool } from "./skill-remove.ts";
export { createSkillSearchTool } from "./skill-search.ts";
