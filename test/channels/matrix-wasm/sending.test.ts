// The Matrix WASM channel sending: transaction ids make a retried send land once, Markdown goes
// out as org.matrix.custom.html beside a plain body (the model's raw HTML escaped, only safe
// links), streamed answers grow by m.replace edits, long answers are split, typing is shown.
import { expect, test } from "bun:test";
import { forEachBackend } from "../../support/db.ts";
import {
  chatOf,
  closeAfterEach,
  createLoader,
  matrixTestTimeout,
  owner,
  startHomeserver,
  startMatrixHost,
  waitForChat,
} from "./matrix-host.ts";
import { untilListening } from "./matrix-platform.ts";

closeAfterEach();

const markdown = [
  "**Bold** and *soft* and `a <b> code`, see [the docs](https://example.org/a_b?x=1&y=2).",
  "Not a link: [click](javascript:alert(1)) <script>alert(1)</script>",
  "",
  "- one\n- two",
  "",
  "```js\nif (a < b && c) {}\n```",
].join("\n");

const expectedHtml =
  '<p><strong>Bold</strong> and <em>soft</em> and <code>a &lt;b&gt; code</code>, see <a href="https://example.org/a_b?x=1&amp;y=2">the docs</a>.<br>' +
  "Not a link: [click](javascript:alert(1)) &lt;script&gt;alert(1)&lt;/script&gt;</p>" +
  "<ul><li>one</li><li>two</li></ul>" +
  '<pre><code class="language-js">if (a &lt; b &amp;&amp; c) {}</code></pre>';

forEachBackend("matrix-wasm: sending", ({ database }) => {
  test(
    "a send whose answer was lost is retried with the same txn id and lands once",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const host = await startMatrixHost({ loader, handle, script: [{ text: "Exactly once." }] });
      await untilListening(fake);
      fake.loseSendAnswers(1);
      fake.sendDm(owner, "hello");
      await waitForChat(fake, owner, (shown) => shown.includes("Exactly once."));
      await host.host.queue.drain();
      const sends = fake.requests.filter(
        (request) => request.path.includes("/send/m.room.message/") && !request.body.includes('"m.replace"'),
      );
      expect(sends.map((request) => request.status)).toEqual([504, 200]);
      expect(sends[1]?.path).toBe(sends[0]?.path ?? "");
      expect(fake.botMessages(fake.dmRoomOf(owner) ?? "")).toHaveLength(1);
    },
    matrixTestTimeout,
  );

  test(
    "Markdown becomes org.matrix.custom.html with the Markdown as plain body; raw HTML is escaped",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const host = await startMatrixHost({
        loader,
        handle,
        script: [{ text: markdown, textChunkSize: 1000 }],
      });
      await untilListening(fake);
      fake.sendDm(owner, "format something");
      await waitForChat(fake, owner, (shown) => shown.some((text) => text.includes("Bold")));
      await host.host.queue.drain();
      const [sent] = fake.botMessages(fake.dmRoomOf(owner) ?? "");
      expect(sent?.format).toBe("org.matrix.custom.html");
      expect(sent?.formattedBody).toBe(expectedHtml);
      expect(sent?.body).toBe(markdown);
      expect(sent?.formattedBody).not.toContain("<script");
      expect(sent?.formattedBody).not.toContain('href="javascript');
    },
    matrixTestTimeout,
  );

  test(
    "a streamed answer grows by m.replace edits with m.new_content; typing is shown",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const answer = `Streaming ${"word ".repeat(300)}done.`;
      const host = await startMatrixHost({ loader, handle, script: [{ text: answer, textChunkSize: 40 }] });
      await untilListening(fake);
      fake.sendDm(owner, "stream please");
      await waitForChat(fake, owner, (shown) => shown.includes(answer));
      await host.host.queue.drain();
      const roomId = fake.dmRoomOf(owner) ?? "";
      const [message] = fake.botMessages(roomId);
      expect(message?.edits).toBeGreaterThan(0);
      const edits = fake
        .eventsOf(roomId, "m.room.message")
        .filter((event) => event.sender === fake.botUserId && event.event_id !== message?.eventId);
      for (const edit of edits) {
        expect(edit.content["m.relates_to"]).toEqual({ rel_type: "m.replace", event_id: message?.eventId });
        expect(String(edit.content.body)).toStartWith("* ");
        expect((edit.content["m.new_content"] as { body: string }).body).not.toStartWith("* ");
      }
      const typing = fake.requests.find((request) => request.path.includes("/typing/"));
      expect(typing?.method).toBe("PUT");
      expect(JSON.parse(typing?.body ?? "{}")).toMatchObject({ typing: true });
    },
    matrixTestTimeout,
  );

  test(
    "a long answer is split into messages of at most 12 000 characters, nothing lost",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const paragraph = (index: number) => `Paragraph ${index}: ${"lorem ipsum ".repeat(150)}`.trim();
      const answer = Array.from({ length: 20 }, (_, index) => paragraph(index)).join("\n\n");
      const host = await startMatrixHost({ loader, handle, script: [{ text: answer, textChunkSize: 5000 }] });
      await untilListening(fake);
      fake.sendDm(owner, "a long one");
      await waitForChat(fake, owner, (shown) => shown.join("").includes("Paragraph 19"));
      await host.host.queue.drain();
      const messages = fake.botMessages(fake.dmRoomOf(owner) ?? "").filter((message) => !message.redacted);
      expect(messages.length).toBeGreaterThanOrEqual(3);
      for (const message of messages) expect(message.body.length).toBeLessThanOrEqual(12_000);
      expect(messages.map((message) => message.body).join("\n\n")).toBe(answer);
      expect(chatOf(fake, owner).join("")).toContain("Paragraph 0");
    },
    matrixTestTimeout,
  );
  test(
    "an over-long word, a long code block and emoji are split whole, streamed edits included",
    async () => {
      const handle = await database();
      const fake = startHomeserver();
      const loader = await createLoader({ fake, handle });
      const code = Array.from({ length: 900 }, (_, index) => `const value${index} = a < b && c > d;`).join(
        "\n",
      );
      const answer = `Start ${"x".repeat(30_000)} end.\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${"😀 ".repeat(9_000).trim()}`;
      // Streamed in big pieces, so parts are edited and added while the answer grows.
      const host = await startMatrixHost({
        loader,
        handle,
        script: [{ text: answer, textChunkSize: 9_000 }],
      });
      await untilListening(fake);
      fake.sendDm(owner, "something huge");
      await waitForChat(fake, owner, (shown) => shown.join("").includes("😀 😀"));
      await host.host.queue.drain();
      const messages = fake.botMessages(fake.dmRoomOf(owner) ?? "").filter((message) => !message.redacted);
      const bodies = messages.map((message) => message.body);
      for (const body of bodies) {
        expect(body.length).toBeLessThanOrEqual(12_000);
        expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
        if (body.includes("const value")) expect(body).toMatch(/^```ts\n[\s\S]*\n```$/);
      }
      const unfenced = (text: string) => text.replaceAll(/```(ts)?/g, "").replaceAll(/\s+/g, "");
      expect(unfenced(bodies.join(""))).toBe(unfenced(answer));
      expect(fake.requests.some((request) => request.status === 413)).toBe(false);
    },
    matrixTestTimeout,
  );
});
