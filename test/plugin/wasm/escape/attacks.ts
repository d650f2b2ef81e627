/**
 * The WASM escape suite's attacks, one line each with the file that tries it (each test asserts
 * the attack failed and that the next normal call still works). The README states
 * `wasmEscapeAttacks.length` attacks tried, 0 escapes. Imports the host refuses at install
 * (wasi:http, wasi:sockets, filesystem) are tried by the install tests, not counted here.
 */
export const wasmEscapeAttacks = [
  [
    "host-globals",
    "reach process, Bun, require, fetch, std, os, Deno, WebAssembly, postMessage from the guest",
  ],
  ["host-globals", "import QuickJS's std/os or a Node/Bun module at run time"],
  [
    "filesystem",
    "read host files through workspace-read: absolute path, .., NUL, link out, outside the prefix",
  ],
  ["filesystem", "read the workspace without a workspace grant"],
  [
    "network-allowlist",
    "reach a host, method or path off the allowlist, or trick the check (userinfo, suffix, file:)",
  ],
  ["network-allowlist", "reach anything with an empty allowlist"],
  ["dns-rebinding", "reach 127.0.0.1, 169.254.169.254, 10/8, ::1, fd00::/8 through an allowlisted name"],
  ["dns-rebinding", "reach a literal private address"],
  ["redirect", "follow a redirect to another host, a path off the prefix or the metadata address"],
  ["infinite-loop", "while(true){} (stopped at the deadline, twice in a row)"],
  ["infinite-loop", "block in a host call that never answers"],
  ["infinite-loop", "keep running after the turn is cancelled"],
  ["memory", "allocate without bound"],
  ["memory", "recurse without bound"],
  ["huge-result", "return 100 MB"],
  ["huge-result", "return a result above the result cap"],
  ["log-spam", "write 10 000 log lines in one call"],
  ["log-spam", "write a 1 MB log line"],
  ["invalid-results", "throw numbers, null, objects; return numbers, objects, null instead of a string"],
  ["state-leak", "keep state in globals across calls and conversations"],
  ["state-leak", "share state between calls made at the same time"],
  ["cache-swap", "swap the cached glue module on disk (code that would run in the Worker)"],
  ["cache-swap", "swap a cached core module for its unmetered original"],
  ["cache-swap", "forge the cache index to match swapped files, or sign it with another key"],
  ["tampered-artifact", "load a component whose bytes do not match the approved SHA-256"],
  ["tampered-artifact", "load a truncated or corrupt component"],
  ["credentials", "get the host to inject an owner credential the manifest does not name"],
] as const;

export const wasmEscapeAttackCount = wasmEscapeAttacks.length;
