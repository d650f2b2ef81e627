/**
 * Turns an installed plugin's component into what its sandbox Workers run, for tools and
 * channels alike: the SHA-256 checked against the bytes (a mismatch is refused, never run), the
 * prepared form (transpiled, metered, memory-capped) read from the authenticated disk cache or
 * made and written there, and the core modules compiled once per process, shared by every
 * plugin whose modules are the same (most of a componentize-qjs plugin is the same QuickJS).
 */
import { createHash } from "node:crypto";
import { AppError } from "../../../errors.ts";
import type { Logger } from "../../../log.ts";
import { readCacheEntry, writeCacheEntry } from "./cache-entry.ts";
import { prepareComponent, preparerVersion } from "./prepare.ts";

export interface LoadableComponent {
  /** "tool" or "channel", for messages and logs. */
  readonly subject: "tool" | "channel";
  readonly name: string;
  readonly component: Uint8Array;
  readonly sha256: string;
  readonly memoryMiB: number;
}

export interface LoadedComponent {
  readonly glue: string;
  readonly modules: Record<string, WebAssembly.Module>;
}

export interface ComponentLoaderOptions {
  readonly cacheDir: string;
  readonly cacheKey: Uint8Array;
  readonly log: Logger;
}

/** Compiled core modules of this process, by the SHA-256 of their prepared bytes. */
const compiled = new Map<string, Promise<WebAssembly.Module>>();

function compile(bytes: Uint8Array): Promise<WebAssembly.Module> {
  const key = createHash("sha256").update(bytes).digest("hex");
  let module = compiled.get(key);
  if (!module) {
    module = WebAssembly.compile(bytes);
    compiled.set(key, module);
    module.catch(() => compiled.delete(key));
  }
  return module;
}

export function createComponentLoader(options: ComponentLoaderOptions) {
  async function prepared(plugin: LoadableComponent) {
    const key = { componentSha256: plugin.sha256, memoryMiB: plugin.memoryMiB, preparer: preparerVersion };
    const cached = await readCacheEntry(options.cacheDir, key, options.cacheKey);
    if (cached.status === "hit") return cached.prepared;
    if (cached.status === "rejected") {
      options.log.warn("wasm cache entry rejected: preparing again", {
        [plugin.subject]: plugin.name,
        reason: cached.reason,
      });
    }
    const fresh = await prepareComponent(plugin.component, plugin.memoryMiB);
    await writeCacheEntry(options.cacheDir, key, options.cacheKey, fresh).catch((error) =>
      options.log.warn("wasm cache entry not written", { [plugin.subject]: plugin.name, error }),
    );
    return fresh;
  }

  /** Checks the hash first: a component that does not match is refused before anything reads it. */
  function verify(plugin: LoadableComponent): void {
    const actual = createHash("sha256").update(plugin.component).digest("hex");
    if (actual !== plugin.sha256.toLowerCase()) {
      throw new AppError(
        "forbidden",
        `${plugin.subject} ${plugin.name}: its component does not match its SHA-256 (${plugin.sha256})`,
        { context: { [plugin.subject]: plugin.name, expected: plugin.sha256, actual } },
      );
    }
  }

  async function load(plugin: LoadableComponent): Promise<LoadedComponent> {
    verify(plugin);
    const { glue, modules } = await prepared(plugin);
    const compiledModules: Record<string, WebAssembly.Module> = {};
    try {
      for (const [file, bytes] of modules) compiledModules[file] = await compile(bytes);
    } catch (error) {
      throw new AppError(
        "invalid_input",
        `${plugin.subject} ${plugin.name}: a core module does not compile`,
        {
          cause: error,
        },
      );
    }
    return { glue, modules: compiledModules };
  }

  return { verify, load };
}
