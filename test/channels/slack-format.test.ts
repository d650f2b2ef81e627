// Markdown → Slack mrkdwn and the splitter, as pure functions; plus the payload parsers the
// listeners rely on (what counts as the owner's DM, what a button press decodes to).
import { describe, expect, test } from "bun:test";
import {
  approvalActionId,
  approvalMessage,
  decodeApprovalAction,
  settledApprovalMessage,
} from "../../channels/slack/buttons.ts";
import { parseBlockActions, parseMessageEvent, slackTextToPlain } from "../../channels/slack/events.ts";
import { markdownToMrkdwn, splitSlackMessage } from "../../channels/slack/format.ts";
import { blocksProblem } from "../fakes/slack/web-api.ts";

describe("markdownToMrkdwn", () => {
  test("emphasis, code, links and headings become mrkdwn; & < > are escaped everywhere", () => {
    expect(
      markdownToMrkdwn("**bold** *it* ~~gone~~ `a<b` [docs](https://x.dev/?a=1&b=2) <https://y.dev>"),
    ).toBe("*bold* _it_ ~gone~ `a&lt;b` <https://x.dev/?a=1&amp;b=2|docs> <https://y.dev>");
    expect(markdownToMrkdwn("# Title\n> quoted *x*\n- item one\n* item two")).toBe(
      "*Title*\n> quoted _x_\n• item one\n• item two",
    );
    expect(markdownToMrkdwn("Write to <email@x> if a < b && c > d")).toBe(
      "Write to &lt;email@x&gt; if a &lt; b &amp;&amp; c &gt; d",
    );
  });

  test("fenced code drops the language and stays verbatim (escaped); markers next to letters get a zero-width space", () => {
    expect(markdownToMrkdwn("```ts\nconst a = b < c && `x`;\n```")).toBe(
      "```\nconst a = b &lt; c &amp;&amp; `x`;\n```",
    );
    expect(markdownToMrkdwn("foo**bar**baz")).toBe("foo\u200b*bar*\u200bbaz");
    expect(markdownToMrkdwn("snake_case_name stays")).toBe("snake_case_name stays");
  });

  test("a link URL cannot break out of <url|label>; unsafe schemes stay text", () => {
    expect(markdownToMrkdwn("[x](https://a.dev/p|q>r)")).toBe("<https://a.dev/p%7Cq%3Er|x>");
    expect(markdownToMrkdwn("[click](javascript:alert(1))")).toBe("click (javascript:alert(1))");
  });
});

describe("splitSlackMessage", () => {
  test("sections stay within the block limit and messages within the message and block-count limits", () => {
    const paragraph = "word ".repeat(60).trim(); // 299 characters
    const parts = splitSlackMessage(Array.from({ length: 40 }, () => paragraph).join("\n\n"), {
      section: 1000,
      message: 2500,
      blocks: 3,
    });
    for (const part of parts) {
      expect(part.sections.length).toBeLessThanOrEqual(3);
      expect(part.text.length).toBeLessThanOrEqual(2500);
      expect(part.text).toBe(part.sections.join("\n"));
      for (const section of part.sections) expect(section.length).toBeLessThanOrEqual(1000);
    }
    expect(
      parts
        .flatMap((part) => part.sections)
        .join(" ")
        .split(/\s+/),
    ).toHaveLength(40 * 60);
  });

  test("a code block is split only when it alone is too long, into complete code blocks", () => {
    const code = `\`\`\`\n${"line of code\n".repeat(30)}\`\`\``;
    const sections = splitSlackMessage(`intro\n\n${code}`, { section: 120 }).flatMap((part) => part.sections);
    expect(sections[0]).toBe("intro");
    for (const section of sections.slice(1)) expect(section).toMatch(/^```\n[\s\S]*\n```$/);
    expect(
      sections
        .slice(1)
        .join("")
        .match(/line of code/g),
    ).toHaveLength(30);
  });

  test("blank input gives nothing; limits below the minimum are refused", () => {
    expect(splitSlackMessage("  \n\n ")).toEqual([]);
    expect(() => splitSlackMessage("x", { section: 10 })).toThrow(RangeError);
  });
});

describe("approval blocks", () => {
  const prompt = {
    approvalId: "abc123",
    tool: "deploy",
    summary: "target: prod <main>",
    allowAlways: true,
    expiresAt: new Date(),
  };

  test("the prompt is valid Block Kit whose buttons decode to the approval and decision", () => {
    const message = approvalMessage(prompt);
    expect(blocksProblem(message.blocks)).toBeUndefined();
    const actions = message.blocks.find((block) => block.type === "actions") as {
      elements: { action_id: string; value: string }[];
    };
    expect(actions.elements.map((button) => decodeApprovalAction(button.action_id, button.value))).toEqual([
      { approvalId: "abc123", decision: "approve" },
      { approvalId: "abc123", decision: "always" },
      { approvalId: "abc123", decision: "deny" },
    ]);
    expect(JSON.stringify(message.blocks)).toContain("target: prod &lt;main&gt;");
    const withoutAlways = approvalMessage({ ...prompt, allowAlways: false }).blocks.at(-1) as {
      elements: unknown[];
    };
    expect(withoutAlways.elements).toHaveLength(2);
  });

  test("the settled prompt shows the outcome and has no buttons; foreign values do not decode", () => {
    const settled = settledApprovalMessage(prompt, "denied");
    expect(settled.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(JSON.stringify(settled.blocks)).toContain("❌ Denied");
    expect(decodeApprovalAction(approvalActionId("approve"), "ABC;drop")).toBeUndefined();
    expect(decodeApprovalAction("ironclaw_approval_maybe", "abc123")).toBeUndefined();
    expect(decodeApprovalAction(undefined, undefined)).toBeUndefined();
  });
});

describe("payload parsing", () => {
  const filter = { botUserId: "U0BOT", allowChannels: false };
  const dm = { type: "message", channel: "D1", user: "U1", text: "hi", ts: "1.2", channel_type: "im" };

  test("a DM becomes an inbound message keyed by ts; bots, edits, our echo and channels are skipped", () => {
    expect(parseMessageEvent(dm, filter)).toEqual({
      kind: "message",
      message: {
        channel: "slack",
        chatId: "D1",
        senderId: "U1",
        senderName: undefined,
        messageId: "1.2",
        text: "hi",
        kind: "text",
        isDirect: true,
      },
    });
    for (const event of [
      { ...dm, bot_id: "B1" },
      { ...dm, subtype: "message_changed" },
      { ...dm, user: "U0BOT" },
      { ...dm, channel_type: "channel" },
      { ...dm, ts: undefined },
      "not an object",
      null,
    ]) {
      expect(parseMessageEvent(event, filter).kind).toBe("skip");
    }
    expect(
      parseMessageEvent({ ...dm, channel_type: "channel" }, { ...filter, allowChannels: true }).kind,
    ).toBe("message");
    const file = parseMessageEvent({ ...dm, text: "", subtype: "file_share", files: [{}] }, filter);
    expect(file.kind === "message" && file.message.kind).toBe("unsupported");
  });

  test("Slack's wire text is turned back into what was typed", () => {
    expect(
      slackTextToPlain(
        "see <https://x.dev|the docs>, <https://y.dev>, <mailto:a@b.c|a@b.c>, <@U1> in <#C1|general> &lt;3 &amp; <!here>",
      ),
    ).toBe("see the docs (https://x.dev), https://y.dev, a@b.c, @U1 in #general <3 & @here");
  });

  test("a press decodes only with a known action id, a well-formed value, a user and a channel", () => {
    const body = {
      type: "block_actions",
      user: { id: "U1" },
      channel: { id: "D1" },
      actions: [{ action_id: approvalActionId("always"), value: "abc123" }],
    };
    expect(parseBlockActions(body).action).toEqual({
      channel: "slack",
      chatId: "D1",
      senderId: "U1",
      approvalId: "abc123",
      decision: "always",
    });
    expect(parseBlockActions({ ...body, actions: [] }).action).toBeUndefined();
    expect(parseBlockActions({ ...body, user: undefined }).action).toBeUndefined();
    expect(parseBlockActions("garbage")).toEqual({ channel: undefined, user: undefined });
  });
});
