/**
 * The approval half of the channel contract: each button decides the stored call and settles the
 * prompt; a press by someone else, or on a prompt already decided, is refused with a notice and
 * changes nothing; and a prompt's button still works after the host restarts on the same database.
 */
import { expect } from "bun:test";
import type { ApprovalDecision } from "../../src/plugin/channel.ts";
import { createRiskyTool } from "../agent/tools-fixtures.ts";
import { askForDeploy, type ContractCaseContext, startWithPrompt } from "./contract-hosts.ts";
import { deployCall, texts, until, waitForChat } from "./contract-support.ts";

const settledLabel: Record<ApprovalDecision, RegExp> = {
  approve: /approved/i,
  always: /always/i,
  deny: /denied/i,
};

export function describeApprovalCases({ hosts, database, contractCase }: ContractCaseContext): void {
  for (const decision of ["approve", "always", "deny"] as const) {
    contractCase(
      "approval",
      `an approval press (${decision}) decides, settles the prompt, and the turn ends`,
      async () => {
        const runs: string[] = [];
        const { platform, prompt } = await startWithPrompt(hosts, await database(), runs, "Finished.");
        expect(prompt.text()).toContain("deploy");
        expect(prompt.isOpen()).toBe(true);
        await prompt.press(decision, "owner");
        await waitForChat(platform, "owner", (shown) => shown.includes("Finished."));
        await until(
          () => !prompt.isOpen(),
          () => `the prompt still shows buttons: ${prompt.text()}`,
        );
        expect(prompt.text()).toMatch(settledLabel[decision]);
        expect(runs).toEqual(decision === "deny" ? [] : ["prod"]);
      },
    );
  }

  contractCase("foreign-press", "someone else's press is refused and changes nothing", async () => {
    const runs: string[] = [];
    const { platform, prompt } = await startWithPrompt(hosts, await database(), runs, "Denied, fine.");
    const shownBefore = prompt.text();
    const foreign = await prompt.press("approve", "stranger");
    await until(
      () => foreign.notice() !== undefined,
      () => "the stranger got no notice",
    );
    expect(foreign.notice()).toBe("Only the owner can decide this.");
    expect(prompt.isOpen()).toBe(true);
    expect(prompt.text()).toBe(shownBefore);
    expect(runs).toEqual([]);
    await prompt.press("deny", "owner");
    await waitForChat(platform, "owner", (shown) => shown.includes("Denied, fine."));
    expect(runs).toEqual([]);
  });

  contractCase(
    "stale-press",
    "a press on an already decided prompt is refused and changes nothing",
    async () => {
      const runs: string[] = [];
      const { platform, prompt, host } = await startWithPrompt(
        hosts,
        await database(),
        runs,
        "Denied, fine.",
      );
      await prompt.press("deny", "owner");
      await waitForChat(platform, "owner", (shown) => shown.includes("Denied, fine."));
      await until(
        () => !prompt.isOpen(),
        () => "the denied prompt still shows buttons",
      );
      await host.queue.drain();
      const settled = prompt.text();
      const chatBefore = texts(platform.chat("owner"));
      const stale = await prompt.press("approve", "owner");
      await until(
        () => stale.notice() !== undefined,
        () => "the stale press got no notice",
      );
      expect(stale.notice()).toStartWith("This was already decided");
      await host.queue.drain();
      expect(prompt.text()).toBe(settled);
      expect(texts(platform.chat("owner"))).toEqual(chatBefore);
      expect(runs).toEqual([]);
    },
  );

  contractCase("restart", "a prompt's button still works after the host restarts", async () => {
    const handle = await database();
    const platform = await hosts.startPlatform();
    const runs: string[] = [];
    const first = await hosts.startHost(platform, handle, {
      tools: [createRiskyTool(runs)],
      script: [deployCall],
    });
    const prompt = await askForDeploy(platform);
    await first.close();
    const second = await hosts.startHost(platform, handle, {
      tools: [createRiskyTool(runs)],
      script: [{ text: "Deployed after the restart." }],
    });
    await prompt.press("approve", "owner");
    await waitForChat(platform, "owner", (shown) => shown.includes("Deployed after the restart."));
    expect(runs).toEqual(["prod"]);
    expect(second.llmServer.requests).toHaveLength(1);
  });
}
