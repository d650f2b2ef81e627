/**
 * Finds what `ironclaw tools install <target>` installs: the component bytes and the manifest
 * beside them. A target is
 *   - a `.wasm` file, with `<name>.capabilities.json` in the same folder;
 *   - a folder holding `<name>.capabilities.json` and `<name>.wasm` (or `dist/<name>.wasm`);
 *   - an npm package name, resolved to its folder in node_modules (from the current folder up),
 *     then read as a folder. npm is never run: installing the package is the owner's step.
 * Every "not found" names the paths that were looked at.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { AppError } from "../errors.ts";

export interface LocatedTool {
  readonly componentPath: string;
  readonly manifestPath: string;
  readonly bytes: Uint8Array;
  readonly manifestText: string;
}

const manifestSuffix = ".capabilities.json";
const packageNamePattern = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

function notFound(message: string): never {
  throw new AppError("not_found", message);
}

function read(componentPath: string, manifestPath: string): LocatedTool {
  return {
    componentPath,
    manifestPath,
    bytes: new Uint8Array(readFileSync(componentPath)),
    manifestText: readFileSync(manifestPath, "utf8"),
  };
}

function fromFile(path: string): LocatedTool {
  const name = basename(path).replace(/\.wasm$/, "");
  const candidates = [join(dirname(path), `${name}${manifestSuffix}`)];
  // dist/<name>.wasm keeps its manifest one folder up, beside the source.
  if (basename(dirname(path)) === "dist")
    candidates.push(join(dirname(dirname(path)), `${name}${manifestSuffix}`));
  const manifestPath = candidates.find((candidate) => existsSync(candidate));
  if (!manifestPath) notFound(`no manifest for ${path}: expected ${candidates.join(" or ")}`);
  return read(path, manifestPath);
}

function fromFolder(folder: string): LocatedTool {
  const manifests = readdirSync(folder).filter((entry) => entry.endsWith(manifestSuffix));
  if (manifests.length === 0) notFound(`no <name>${manifestSuffix} in ${folder}`);
  if (manifests.length > 1) {
    throw new AppError(
      "invalid_input",
      `${folder} holds ${manifests.length} manifests (${manifests.join(", ")}): name the .wasm file instead`,
    );
  }
  const name = (manifests[0] as string).slice(0, -manifestSuffix.length);
  const candidates = [join(folder, `${name}.wasm`), join(folder, "dist", `${name}.wasm`)];
  const componentPath = candidates.find((candidate) => existsSync(candidate));
  if (!componentPath)
    notFound(
      `no component for ${name}: expected ${candidates.join(" or ")} (build it with \`ironclaw tools build\`)`,
    );
  return read(componentPath, join(folder, manifests[0] as string));
}

/** The folder of an installed npm package, looked up from `cwd` towards the root. */
function packageFolder(name: string, cwd: string): string | undefined {
  let folder = resolve(cwd);
  for (;;) {
    const candidate = join(folder, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

export function locateTool(target: string, cwd: string): LocatedTool {
  const path = resolve(cwd, target);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return fromFolder(path);
    if (!path.endsWith(".wasm")) {
      throw new AppError("invalid_input", `${target} is not a .wasm file, a folder or an npm package`);
    }
    return fromFile(path);
  }
  if (packageNamePattern.test(target)) {
    const folder = packageFolder(target, cwd);
    if (!folder) notFound(`no file, folder or installed npm package named ${target} (npm install it first)`);
    return fromFolder(folder);
  }
  notFound(`${target} does not exist`);
}
