/**
 * Parses one SKILL.md: `---` front matter in YAML, then the Markdown body. Every refusal is an
 * `invalid_input` AppError naming the file and, where there is one, the line — the owner (or the
 * registry installer, which validates a download with this before anything is written) must be
 * able to fix the file from the message alone. Files people share for other assistants parse
 * too: keys this host does not know are kept in `unknownKeys` and ignored.
 */
import { isMap, LineCounter, type Node, parseDocument } from "yaml";
import { AppError } from "../errors.ts";
import { ManifestProblem, readManifestFields } from "./manifest-fields.ts";
import type { SkillManifest } from "./types.ts";

/** A SKILL.md larger than this is refused (it would crowd out the context anyway). */
export const maxSkillFileBytes = 64 * 1024;

/** The same names tools get: lower-case, digits, `_` and `-`, starting with a letter. */
export const skillNamePattern = /^[a-z][a-z0-9_-]{0,63}$/;

export type ParsedSkill = SkillManifest & { body: string };

export function parseSkillFile(text: string, path: string): ParsedSkill {
  const fail = (message: string, line?: number): never => {
    throw new AppError("invalid_input", `${path}${line ? `:${line}` : ""}: ${message}`, {
      context: { path, ...(line ? { line } : {}) },
    });
  };
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > maxSkillFileBytes) {
    fail(`the skill file is ${bytes} bytes; the limit is ${maxSkillFileBytes}`);
  }
  const split = splitFrontMatter(text.startsWith("\uFEFF") ? text.slice(1) : text);
  if (!split) fail("no front matter: the file must start with a `---` line and close it with another");
  const { yaml, body } = split as { yaml: string; body: string };
  // The YAML starts on the file's second line.
  const lineOf = (counter: LineCounter, offset: number) => counter.linePos(offset).line + 1;
  const counter = new LineCounter();
  const document = parseDocument(yaml, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const error = document.errors[0];
  if (error) {
    const firstLine = error.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
    fail(`malformed front matter: ${firstLine}`, lineOf(counter, error.pos[0]));
  }
  if (!isMap(document.contents)) fail("the front matter must be a mapping of keys to values", 2);
  try {
    const manifest = readManifestFields(document.toJS() as Record<string, unknown>);
    if (!skillNamePattern.test(manifest.name)) {
      throw new ManifestProblem(
        ["name"],
        `invalid name ${JSON.stringify(manifest.name.slice(0, 64))}: use lower-case letters, digits, "_" or "-", starting with a letter (at most 64)`,
      );
    }
    return { ...manifest, body: body.trim() };
  } catch (problem) {
    if (!(problem instanceof ManifestProblem)) throw problem;
    const node = document.getIn(problem.path, true) as Node | undefined;
    const offset = node?.range?.[0];
    return fail(problem.message, offset === undefined ? 2 : lineOf(counter, offset));
  }
}

/** The YAML between the opening `---` line and the next `---` (or `...`) line, and the rest. */
function splitFrontMatter(text: string): { yaml: string; body: string } | undefined {
  const opening = /^---[ \t]*\r?\n/.exec(text);
  if (!opening) return undefined;
  const rest = text.slice(opening[0].length);
  const closing = /^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/m.exec(rest);
  if (!closing) return undefined;
  return { yaml: rest.slice(0, closing.index), body: rest.slice(closing.index + closing[0].length) };
}
