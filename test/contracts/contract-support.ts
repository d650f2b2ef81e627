/**
 * Small helpers the channel contract suite and its descriptors share: polling the platform's chat
 * (fake state changes without a call to wait for), and the scripted inputs of the cases.
 */
import type { Script } from "../fakes/llm/scripted-server.ts";
import type { ChatEntry, ContractPlatform, Person } from "./channel-descriptor.ts";

/** Polls until `predicate` holds; the message says what was seen when it never did. */
export async function until(
  predicate: () => boolean,
  describe: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out; ${describe()}`);
    await Bun.sleep(15);
  }
}

export const texts = (entries: ChatEntry[]): string[] => entries.map((entry) => entry.text);

export function waitForChat(
  platform: ContractPlatform,
  person: Person,
  predicate: (shown: string[]) => boolean,
): Promise<void> {
  return until(
    () => predicate(texts(platform.chat(person))),
    () => `chat shows ${JSON.stringify(texts(platform.chat(person)))}`,
  );
}

export const withoutWhitespace = (text: string): string => text.replaceAll(/\s+/g, "");

/** The model's request for the approval-gated `deploy` tool (createRiskyTool). */
export const deployCall: Script = {
  toolCalls: [{ id: "c1", name: "deploy", arguments: '{"target":"prod"}' }],
};

/**
 * Plain paragraphs of numbered words, half as long again as `limit` (10,000 characters without
 * one), so a lost, doubled or reordered piece shows in the joined text.
 */
export function createLongReply(limit: number | undefined): string {
  const paragraphLength = Math.min(Math.floor((limit ?? 5000) * 0.4), 2000);
  const total = Math.max((limit ?? 0) * 1.5, 10_000);
  const paragraphs: string[] = [];
  let word = 0;
  for (let length = 0; length < total; ) {
    const words: string[] = [];
    let paragraph = 0;
    while (paragraph < paragraphLength) {
      const next = `word${word++}`;
      words.push(next);
      paragraph += next.length + 1;
    }
    paragraphs.push(words.join(" "));
    length += paragraph + 2;
  }
  return paragraphs.join("\n\n");
}
