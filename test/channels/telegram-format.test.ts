// Markdown → Telegram HTML: every construct, escaping, and the guarantee the channel relies on —
// whatever the model writes, the HTML parses (checked by a strict tag-balance checker and by the
// fake Bot API's parser) and every split chunk fits Telegram's limit.
import { describe, expect, test } from "bun:test";
import {
  plainTextFallback,
  splitPlainText,
  splitTelegramMessage,
  markdownToTelegramHtml as toHtml,
} from "../../channels/telegram/format.ts";
import { findHtmlProblem } from "../fakes/telegram/html-balance.ts";
import { parseTelegramHtml } from "../fakes/telegram/telegram-html.ts";

function expectValid(html: string): void {
  expect(findHtmlProblem(html)).toBeUndefined();
  expect(parseTelegramHtml(html)).toMatchObject({ ok: true });
}

// [markdown, expected HTML], by theme; every expected HTML is also checked for validity.
const CONVERSIONS: Record<string, [string, string][]> = {
  "escapes everything that is not markup": [
    ["write to <email@x>", "write to &lt;email@x&gt;"],
    ["a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"],
    ["&amp; stays text", "&amp;amp; stays text"],
    ['<b onclick="x">no</b>', '&lt;b onclick="x"&gt;no&lt;/b&gt;'],
  ],
  "converts each construct": [
    ["**bold** and __bold__", "<b>bold</b> and <b>bold</b>"],
    ["*italic* and _italic_", "<i>italic</i> and <i>italic</i>"],
    ["~~gone~~ but ~one~ stays", "<s>gone</s> but ~one~ stays"],
    ["run `npm i <pkg> && go`", "run <code>npm i &lt;pkg&gt; &amp;&amp; go</code>"],
    ["`**not bold**` ``a ` b``", "<code>**not bold**</code> <code>a ` b</code>"],
    ["\\*literal\\* \\_too\\_", "*literal* _too_"],
    ["# Title", "<b>Title</b>"],
    ["### Deep title ###", "<b>Deep title</b>"],
    ["#hashtag", "#hashtag"],
    ["> quoted\n> > deeper\nafter", "<blockquote>quoted\ndeeper</blockquote>\nafter"],
    ["- one\n* two\n1. three", "- one\n* two\n1. three"],
    ["| a | b |\n|---|---|", "| a | b |\n|---|---|"],
  ],
  "keeps fenced code verbatim and escaped": [
    [
      "```ts\nif (a < b && c > d) **x**\n```",
      '<pre><code class="language-ts">if (a &lt; b &amp;&amp; c &gt; d) **x**</code></pre>',
    ],
    ["~~~\n<raw>\n\n</raw>\n~~~\nafter", "<pre>&lt;raw&gt;\n\n&lt;/raw&gt;</pre>\nafter"],
    ["  ```py\n  print(1)\n  ```", '<pre><code class="language-py">print(1)</code></pre>'],
    ['```js" onclick="x\ncode\n```', '<pre><code class="language-js">code</code></pre>'],
    ['```"><x\ncode\n```', '<pre><code class="language-x">code</code></pre>'],
    ["```\nnever closed <b>", "<pre>never closed &lt;b&gt;</pre>"],
  ],
  "links only allowed schemes, with escaped attributes": [
    [
      '[say "hi"](https://x.org/?q="a"&b=<c>)',
      '<a href="https://x.org/?q=&quot;a&quot;&amp;b=&lt;c&gt;">say "hi"</a>',
    ],
    ["[wiki](https://w.org/Foo_(bar))", '<a href="https://w.org/Foo_(bar)">wiki</a>'],
    [
      "[me](tg://user?id=1) [mail](mailto:a@b.c)",
      '<a href="tg://user?id=1">me</a> <a href="mailto:a@b.c">mail</a>',
    ],
    ["[x](javascript:alert(1))", "x (javascript:alert(1))"],
    ["[notes](docs/notes.md)", "notes (docs/notes.md)"],
    [
      "see <https://e.com/?b=1&c=2>",
      'see <a href="https://e.com/?b=1&amp;c=2">https://e.com/?b=1&amp;c=2</a>',
    ],
    ["[](https://x.org)", '<a href="https://x.org">https://x.org</a>'],
    ["[unclosed](https://x.org", "[unclosed](https://x.org"],
  ],
  "nests properly, never the same tag twice, no code in links": [
    ["**bold *and italic***", "<b>bold <i>and italic</i></b>"],
    ["*a **b** c*", "<i>a <b>b</b> c</i>"],
    ["***both***", "<b><i>both</i></b>"],
    ["**[a *link*](https://x.org)**", '<b><a href="https://x.org">a <i>link</i></a></b>'],
    ["[`code` label](https://x.org)", '<a href="https://x.org">code label</a>'],
    ["[a [b](https://a.b)](https://c.d)", '<a href="https://c.d">a [b](https://a.b)</a>'],
    ["# **Bold** heading", "<b>Bold heading</b>"],
    ["> **quote** with `code`", "<blockquote><b>quote</b> with <code>code</code></blockquote>"],
  ],
  "leaves unbalanced and intraword markers literal": [
    ...[
      "**never closed",
      "*open only",
      "_open only",
      "~~open only",
      "`open only",
      "snake_case_names and a_b_c",
      "2 * 3 * 4",
      "a ** b ** c",
      "** * _",
      "[link text without target]",
    ].map((text): [string, string] => [text, text]),
    ["**bold* mixed", "<i>*bold</i> mixed"],
    ["call __init__ or my_var_", "call <b>init</b> or my_var_"],
  ],
};

describe("markdownToTelegramHtml", () => {
  for (const [theme, cases] of Object.entries(CONVERSIONS)) {
    test(theme, () => {
      for (const [markdown, html] of cases) {
        expect(toHtml(markdown)).toBe(html);
        expectValid(html);
      }
    });
  }
});

describe("plainTextFallback", () => {
  test("strips the markup and keeps the words", () => {
    const markdown = "# Plan\n**Do** _this_ `now`:\n> [docs](https://x.org) ~~old~~\n```sh\nls <dir>\n```";
    expect(plainTextFallback(markdown)).toBe("Plan\nDo this now:\ndocs (https://x.org) old\nls <dir>");
    expect(plainTextFallback("a < b **&** snake_case")).toBe("a < b & snake_case");
  });
});

describe("splitTelegramMessage", () => {
  const paragraph = (index: number) =>
    `Paragraph ${index}: ${"lorem ipsum dolor sit amet ".repeat(12)}`.trim();

  test("short text is one chunk; blank text is none", () => {
    expect(splitTelegramMessage("**hi**")).toEqual(["**hi**"]);
    expect(splitTelegramMessage(" \n\n \n")).toEqual([]);
  });

  test("splits at paragraph boundaries, every chunk within 4096 after conversion", () => {
    const paragraphs = Array.from({ length: 60 }, (_, index) => paragraph(index));
    const chunks = splitTelegramMessage(paragraphs.join("\n\n"));
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(toHtml(chunk).length).toBeLessThanOrEqual(4096);
      expect(toHtml(chunk).length).toBeGreaterThan(3000);
      expect(chunk.split("\n\n").every((part) => paragraphs.includes(part))).toBe(true);
    }
    expect(chunks.join("\n\n")).toBe(paragraphs.join("\n\n"));
  });

  test("escaping counts: text of '<' that fits as Markdown is split by its HTML length", () => {
    const chunks = splitTelegramMessage(Array.from({ length: 40 }, () => "<".repeat(200)).join("\n\n"));
    expect(chunks.length).toBeGreaterThanOrEqual(8);
    for (const chunk of chunks) expect(toHtml(chunk).length).toBeLessThanOrEqual(4096);
  });

  test("a code block that fits is never split, it moves to the next chunk whole", () => {
    const code = `\`\`\`python\n${Array.from({ length: 40 }, (_, index) => `print(${index})  # a < b`).join("\n\n")}\n\`\`\``;
    const markdown = [paragraph(1), paragraph(2), paragraph(3), paragraph(4), code, paragraph(5)].join(
      "\n\n",
    );
    const chunks = splitTelegramMessage(markdown, 1600);
    const holder = chunks.find((chunk) => chunk.includes("```python"));
    expect(holder).toContain(code);
    for (const chunk of chunks) expect(toHtml(chunk).length).toBeLessThanOrEqual(1600);
  });

  test("an over-long code block becomes several complete fenced blocks", () => {
    const lines = Array.from({ length: 400 }, (_, index) => `let value${index} = a < b && c > d;`);
    const chunks = splitTelegramMessage(`Intro\n\n\`\`\`ts\n${lines.join("\n")}\n\`\`\`\n\nOutro`);
    const codeChunks = chunks.filter((chunk) => chunk.startsWith("```ts\n"));
    expect(codeChunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      const html = toHtml(chunk);
      expect(html.length).toBeLessThanOrEqual(4096);
      expectValid(html);
    }
    for (const chunk of codeChunks) {
      expect(chunk.endsWith("\n```")).toBe(true);
      expect(toHtml(chunk)).toStartWith('<pre><code class="language-ts">');
    }
    const recovered = codeChunks.flatMap((chunk) => chunk.split("\n").slice(1, -1));
    expect(recovered).toEqual(lines);
  });

  test("one huge line splits at spaces, one huge word anywhere but inside an emoji", () => {
    const words = splitTelegramMessage("word ".repeat(3000), 500);
    expect(words.every((chunk) => toHtml(chunk).length <= 500 && !chunk.startsWith(" "))).toBe(true);
    const emoji = "😀".repeat(1000);
    const pieces = splitTelegramMessage(emoji, 301);
    expect(pieces.join("")).toBe(emoji);
    expect(pieces.every((piece) => piece.length <= 301 && /^(😀)+$/u.test(piece))).toBe(true);
  });

  test("a code line longer than the limit is cut into fenced parts too", () => {
    const chunks = splitTelegramMessage(`\`\`\`\n${"x".repeat(10_000)}\n\`\`\``, 1000);
    expect(chunks.length).toBeGreaterThanOrEqual(11);
    for (const chunk of chunks) {
      expect(chunk).toMatch(/^```\nx+\n```$/);
      expect(toHtml(chunk).length).toBeLessThanOrEqual(1000);
    }
  });

  test("rejects limits too small to hold a fenced part", () => {
    expect(() => splitTelegramMessage("hi", 10)).toThrow(RangeError);
  });

  test("plain text splits by its own length", () => {
    const text = Array.from({ length: 50 }, (_, index) => paragraph(index)).join("\n\n");
    const chunks = splitPlainText(text, 1000);
    expect(chunks.every((chunk) => chunk.length <= 1000)).toBe(true);
    expect(chunks.join("\n\n")).toBe(text);
  });
});

describe("property: random model output never breaks the HTML", () => {
  // mulberry32: a tiny seeded PRNG, so a failure reproduces exactly.
  function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let value = Math.imul(state ^ (state >>> 15), 1 | state);
      value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
      return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
    };
  }
  const markup = [
    "*",
    "**",
    "***",
    "_",
    "__",
    "~~",
    "`",
    "``",
    "[",
    "]",
    "](",
    "(",
    ")",
    "\\",
    "#",
    "# ",
    "> ",
  ];
  const fences = ["```", "```ts", "~~~", "\n```\n"];
  const text = [
    "a",
    "word",
    "snake_case",
    " ",
    " ",
    "\n",
    "\n\n",
    "<",
    ">",
    "&",
    '"',
    "https://x.y/?a=1&b",
    "😀",
  ];
  function randomMarkdown(random: () => number, tokens: string[], length: number): string {
    let result = "";
    for (let index = 0; index < length; index++) result += tokens[Math.floor(random() * tokens.length)];
    return result;
  }

  test("2000 random strings convert to balanced, parseable HTML", () => {
    const random = seededRandom(20240601);
    const tokens = [...markup, ...fences, ...text];
    for (let sample = 0; sample < 2000; sample++) {
      const markdown = randomMarkdown(random, tokens, Math.floor(random() * 60));
      const html = toHtml(markdown);
      const problem =
        findHtmlProblem(html) ?? (parseTelegramHtml(html).ok ? undefined : "rejected by the fake");
      if (problem) throw new Error(`${problem} for ${JSON.stringify(markdown)} → ${JSON.stringify(html)}`);
      expect(typeof plainTextFallback(markdown)).toBe("string");
    }
  });

  test("random long replies split into valid chunks within the limit, losing nothing", () => {
    const random = seededRandom(7);
    for (let sample = 0; sample < 60; sample++) {
      const tokens = sample % 2 === 0 ? [...markup, ...fences, ...text] : [...markup, ...text];
      const markdown = randomMarkdown(random, tokens, 400 + Math.floor(random() * 1200));
      const chunks = splitTelegramMessage(markdown, 300);
      for (const chunk of chunks) {
        const html = toHtml(chunk);
        expect(html.length).toBeLessThanOrEqual(300);
        expect(findHtmlProblem(html)).toBeUndefined();
      }
      // Nothing is lost, unless a code block was re-fenced across chunks.
      if (!/^[ \t]*(```|~~~)/m.test(markdown)) {
        expect(chunks.join("").replace(/\s/g, "")).toBe(markdown.replace(/\s/g, ""));
      }
    }
  });
});
