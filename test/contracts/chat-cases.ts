/**
 * The conversation half of the channel contract: the owner is answered, a stranger never reaches
 * the model, a redelivered message is answered once, a long reply arrives whole within the
 * platform's limit, and a platform error on one send leaves the channel serving the next DM.
 */
import { expect } from "bun:test";
import type { ContractCaseContext } from "./contract-hosts.ts";
import { createLongReply, texts, until, waitForChat, withoutWhitespace } from "./contract-support.ts";

export function describeChatCases({ descriptor, hosts, database, contractCase }: ContractCaseContext): void {
  contractCase("owner-reply", "the owner's DM gets the model's reply", async () => {
    const platform = await hosts.startPlatform();
    const { host } = await hosts.startHost(platform, await database(), {
      script: [{ text: "Hello, owner." }],
    });
    await platform.sendDm("owner", "hi");
    await waitForChat(platform, "owner", (shown) => shown.includes("Hello, owner."));
    await host.queue.drain();
    expect(texts(platform.chat("owner"))).toEqual(["Hello, owner."]);
  });

  contractCase("stranger-ignored", "a stranger is ignored and never reaches the LLM", async () => {
    const platform = await hosts.startPlatform();
    const { host, llmServer } = await hosts.startHost(platform, await database(), {
      script: [{ text: "Only for you." }],
    });
    await platform.sendDm("stranger", "let me in");
    await platform.sendDm("owner", "hello");
    await waitForChat(platform, "owner", (shown) => shown.includes("Only for you."));
    await host.queue.drain();
    expect(platform.chat("stranger")).toEqual([]);
    expect(llmServer.requests).toHaveLength(1);
    expect(JSON.stringify(llmServer.requests[0]?.body)).not.toContain("let me in");
  });

  contractCase("duplicate-delivery", "a message delivered twice is answered once", async () => {
    const platform = await hosts.startPlatform();
    const { host, llmServer } = await hosts.startHost(platform, await database(), {
      script: [{ text: "Only once." }, { text: "Next one." }],
    });
    const original = await platform.sendDm("owner", "ping");
    await waitForChat(platform, "owner", (shown) => shown.includes("Only once."));
    await platform.redeliver(original);
    await platform.sendDm("owner", "next");
    await waitForChat(platform, "owner", (shown) => shown.includes("Next one."));
    await host.queue.drain();
    expect(texts(platform.chat("owner"))).toEqual(["Only once.", "Next one."]);
    expect(llmServer.requests).toHaveLength(2);
  });

  contractCase("long-reply", "a long reply is split at the platform limit and nothing is lost", async () => {
    const limit = descriptor.messageLimit;
    const reply = createLongReply(limit);
    const platform = await hosts.startPlatform();
    const { host, llmServer } = await hosts.startHost(platform, await database(), {
      script: [{ text: reply, textChunkSize: 500 }],
    });
    await platform.sendDm("owner", "a long answer, please");
    await until(
      () => llmServer.requests.length > 0,
      () => "the model was not asked",
    );
    await host.queue.drain();
    const shown = platform.chat("owner");
    expect(withoutWhitespace(texts(shown).join(""))).toBe(withoutWhitespace(reply));
    if (limit !== undefined) {
      expect(shown.length).toBeGreaterThanOrEqual(2);
      for (const entry of shown) expect(entry.size).toBeLessThanOrEqual(limit);
    }
  });

  contractCase(
    "platform-error",
    "a platform error on send is contained and the next DM is served",
    async () => {
      const platform = await hosts.startPlatform();
      const { host } = await hosts.startHost(platform, await database(), {
        script: [{ text: "You will not see this." }, { text: "Back to normal." }],
      });
      const failure = platform.failSends();
      await platform.sendDm("owner", "first");
      await until(
        () => failure.attempts() > 0,
        () => "the channel never tried to send",
      );
      await host.queue.drain();
      failure.restore();
      await platform.sendDm("owner", "second");
      await waitForChat(platform, "owner", (shown) => shown.includes("Back to normal."));
      expect(texts(platform.chat("owner"))).not.toContain("You will not see this.");
    },
  );
}
