// A stopped build takes its descendants with it (componentize-js runs Wizer as a grandchild):
// a real process tree is listed, measured and killed.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { killTree, processTree, residentMb } from "../../../../src/plugin/wasm/build/process-tree.ts";

/** Running (a killed process may linger as a zombie until whoever adopted it reaps it). */
function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

test("the tree of a child that started a grandchild is listed, measured and killed entirely", async () => {
  const script = `Bun.spawn([process.execPath, "-e", "setInterval(() => {}, 1000)"], { stdio: ["ignore", "ignore", "ignore"] });
setInterval(() => {}, 1000);
console.log("started");`;
  const child = Bun.spawn([process.execPath, "-e", script], { env: {}, stdout: "pipe" });
  const reader = child.stdout.getReader();
  await reader.read(); // "started": the grandchild exists
  let tree: number[] = [];
  for (let attempt = 0; attempt < 50 && tree.length < 2; attempt++) {
    tree = processTree(child.pid);
    if (tree.length < 2) await Bun.sleep(20);
  }
  expect(tree[0]).toBe(child.pid);
  expect(tree.length).toBe(2);
  expect(residentMb(tree)).toBeGreaterThan(residentMb([child.pid]) ?? 0);
  killTree(tree);
  await child.exited;
  for (let attempt = 0; attempt < 50 && alive(tree[1] as number); attempt++) await Bun.sleep(20);
  expect(tree.map(alive)).toEqual([false, false]);
});
