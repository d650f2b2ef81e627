// Discord formatting, splitting and button encoding: pure functions, no network.
import { describe, expect, test } from "bun:test";
import {
  approvalPromptText,
  approvalRow,
  decodeApprovalCustomId,
  encodeApprovalCustomId,
  settledPromptText,
} from "../../channels/discord/buttons.ts";
import { markdownToDiscord, splitDiscordMessage } from "../../channels/discord/format.ts";
import type { ApprovalPrompt } from "../../src/plugin/channel.ts";

describe("markdownToDiscord", () => {
  test("what Discord renders passes through untouched", () => {
    const text = [
      "# Title",
      "### Smaller",
      "**bold** *italic* ~~gone~~ `code` [link](https://example.com)",
      "> quoted",
      "- item",
      "1. first",
      "```ts",
      "const a = 1;",
      "```",
    ].join("\n");
    expect(markdownToDiscord(text)).toBe(text);
  });

  test("deep headings become bold lines; rules become a line", () => {
    expect(markdownToDiscord("#### Notes\ntext\n---\n###### Tiny ##")).toBe(
      `**Notes**\ntext\n${"─".repeat(20)}\n**Tiny**`,
    );
  });

  test("a table becomes an aligned code block", () => {
    const table = "| Name | Size |\n|:-----|-----:|\n| **a.txt** | 12 |\n| b | 3456 |\nafter";
    expect(markdownToDiscord(table)).toBe(
      ["```", "Name  | Size", "------+-----", "a.txt | 12", "b     | 3456", "```", "after"].join("\n"),
    );
  });

  test("a line with a pipe above a rule is not a table", () => {
    expect(markdownToDiscord("a | b\n---")).toBe(`a | b\n${"─".repeat(20)}`);
  });

  test("an unclosed fence (mid-stream) is closed; fences inside code are left alone", () => {
    expect(markdownToDiscord("look:\n```py\nprint(1)")).toBe("look:\n```py\nprint(1)\n```");
    const nested = "````md\n```\ninner\n```\n````";
    expect(markdownToDiscord(nested)).toBe(nested);
    expect(markdownToDiscord("```\n| a | b |\n|---|---|\n#### x\n```")).toBe(
      "```\n| a | b |\n|---|---|\n#### x\n```",
    );
  });
});

describe("splitDiscordMessage", () => {
  test("short text is one chunk; blank text none", () => {
    expect(splitDiscordMessage("hello")).toEqual(["hello"]);
    expect(splitDiscordMessage("  \n ")).toEqual([]);
  });

  test("splits at paragraphs first and never exceeds the limit", () => {
    const paragraph = "x".repeat(1200);
    const chunks = splitDiscordMessage([paragraph, paragraph, paragraph].join("\n\n"));
    expect(chunks).toEqual([paragraph, paragraph, paragraph]);
  });

  test("an oversized code block becomes several complete fenced blocks", () => {
    const code = `\`\`\`js\n${"let value = 42;\n".repeat(300)}\`\`\``;
    const chunks = splitDiscordMessage(`intro\n\n${code}`);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2000);
      if (chunk !== "intro") {
        expect(chunk.startsWith("```js\n")).toBe(true);
        expect(chunk.endsWith("\n```")).toBe(true);
      }
    }
  });

  test("one huge word is cut anywhere but inside a surrogate pair", () => {
    const chunks = splitDiscordMessage("😀".repeat(1500));
    expect(chunks.join("")).toBe("😀".repeat(1500));
    expect(chunks.every((chunk) => chunk.length <= 2000 && !/^[\udc00-\udfff]/.test(chunk))).toBe(true);
  });

  test("a limit too small to hold a fenced part is refused", () => {
    expect(() => splitDiscordMessage("x", 10)).toThrow(RangeError);
  });
});

describe("approval buttons", () => {
  const prompt: ApprovalPrompt = {
    approvalId: "abcdefghij",
    tool: "deploy",
    summary: "target: prod\n```\nsneaky fence",
    allowAlways: true,
    expiresAt: new Date(),
  };

  test("custom ids round-trip; anything else does not decode", () => {
    for (const decision of ["approve", "always", "deny"] as const) {
      const id = encodeApprovalCustomId("k2m3n4p5q6", decision);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeApprovalCustomId(id)).toEqual({ approvalId: "k2m3n4p5q6", decision });
    }
    for (const bad of [
      undefined,
      "",
      "ap:abc:x",
      "ap::a",
      "ap:ABC:a",
      `ap:${"a".repeat(41)}:a`,
      "ap:abc:a:extra",
    ])
      expect(decodeApprovalCustomId(bad)).toBeUndefined();
  });

  test("a row offers Always only when allowed; settled rows are disabled with the choice kept", () => {
    expect(approvalRow(prompt).components.map((button) => ("label" in button ? button.label : ""))).toEqual([
      "Approve",
      "Always",
      "Deny",
    ]);
    const once = approvalRow({ ...prompt, allowAlways: false });
    expect(once.components).toHaveLength(2);
    const settled = approvalRow(prompt, "denied");
    expect(settled.components.every((button) => button.disabled)).toBe(true);
    expect(settled.components.map((button) => button.style)).toEqual([2, 2, 4]);
    expect(approvalRow(prompt, "expired").components.map((button) => button.style)).toEqual([2, 2, 2]);
  });

  test("the summary cannot break out of its code block; the outcome is named", () => {
    const text = approvalPromptText(prompt);
    expect(text.match(/```/g)).toHaveLength(2);
    expect(settledPromptText(prompt, "always")).toEndWith("**♾️ Always allowed**");
    const long = approvalPromptText({ ...prompt, summary: "y".repeat(5000) });
    expect(
      settledPromptText({ ...prompt, summary: "y".repeat(5000) }, "approved").length,
    ).toBeLessThanOrEqual(2000);
    expect(long).toContain("…");
  });
});
