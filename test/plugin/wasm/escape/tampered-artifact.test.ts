/**
 * Attack: a component whose bytes do not match the SHA-256 the owner approved (swapped in the
 * database or on the way). The runtime checks the hash before anything else and refuses to load.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { AppError } from "../../../../src/errors.ts";
import { echoGuestSource } from "../support/build-guest.ts";
import { createTestRuntime, testArtifact } from "../support/runtime.ts";

const harness = createTestRuntime();
afterAll(() => harness.close());

describe("escape: tampered artifact", () => {
  test("a component that does not match its hash is refused before it is prepared", async () => {
    const artifact = await testArtifact("tampered", echoGuestSource("tampered"));
    const swapped = new Uint8Array(artifact.component);
    swapped[swapped.length - 1] = (swapped[swapped.length - 1] as number) ^ 0xff;
    const error = await harness.runtime.load({ ...artifact, component: swapped }).catch((caught) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("forbidden");
    expect((error as AppError).message).toContain("does not match its SHA-256");
    const intact = await harness.runtime.load(artifact);
    expect(intact.name).toBe("tampered");
  }, 60_000);

  test("a truncated or corrupt component is refused with a clear message", async () => {
    const artifact = await testArtifact("corrupt", echoGuestSource("corrupt"));
    const truncated = artifact.component.subarray(0, 1000);
    const sha256 = new Bun.CryptoHasher("sha256").update(truncated).digest("hex");
    const error = await harness.runtime
      .load({ ...artifact, component: truncated, sha256 })
      .catch((caught) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toContain("could not be transpiled");
  }, 60_000);
});
