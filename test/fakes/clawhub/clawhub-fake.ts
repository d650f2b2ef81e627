/**
 * A wire-level fake of the ClawHub registry API (docs/http-api.md of openclaw/clawhub), on
 * 127.0.0.1: `GET /api/v1/search?q=&limit=` answers `{ results: [{ score, slug, displayName,
 * summary, version, updatedAt }] }` (matching words in slug, name and summary), and
 * `GET /api/v1/download?slug=&version=` answers the skill's zip (404 for an unknown slug or
 * version). Faults are injected per test: `500`, `garbage` (not JSON), `wrong-shape` (JSON
 * without `results`), `slow` (answers after `delayMs`), `huge` (a body far past any cap, sent
 * in chunks). "Down" is `close()`: the port then refuses connections. Every request is recorded.
 */
import { buildSkillZip } from "./archives.ts";

export type ClawHubFault = "none" | "500" | "garbage" | "wrong-shape" | "slow" | "huge";

export interface FakeSkill {
  readonly slug: string;
  readonly displayName?: string;
  readonly summary?: string;
  readonly version: string;
  /** The zip served for this version (default: a plain skill named after the slug). */
  readonly archive?: Uint8Array;
}

export interface ClawHubFake {
  readonly url: string;
  readonly requests: { path: string; query: Record<string, string> }[];
  addSkill(skill: FakeSkill): void;
  setFault(fault: ClawHubFault, options?: { delayMs?: number }): void;
  close(): Promise<void>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function hugeBody(): Response {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x41);
  return new Response(
    new ReadableStream({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    }),
    { headers: { "content-type": "application/zip" } },
  );
}

export function startClawHubFake(): ClawHubFake {
  const skills: FakeSkill[] = [];
  const requests: ClawHubFake["requests"] = [];
  let fault: ClawHubFault = "none";
  let delayMs = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      const query = Object.fromEntries(url.searchParams);
      requests.push({ path: url.pathname, query });
      if (fault === "slow") await Bun.sleep(delayMs);
      if (fault === "500") return new Response("Internal Server Error", { status: 500 });
      if (fault === "huge") return hugeBody();
      if (url.pathname === "/api/v1/search") {
        if (fault === "garbage") return new Response("<html>oops</html>", { status: 200 });
        if (fault === "wrong-shape") return json(200, { items: [] });
        const words = (query.q ?? "").toLowerCase().split(/\s+/).filter(Boolean);
        const limit = Number(query.limit ?? 10);
        const latest = new Map(skills.map((skill) => [skill.slug, skill]));
        const results = [...latest.values()]
          .map((skill) => {
            const text = `${skill.slug} ${skill.displayName ?? ""} ${skill.summary ?? ""}`.toLowerCase();
            return {
              skill,
              score: words.filter((word) => text.includes(word)).length / Math.max(1, words.length),
            };
          })
          .filter((entry) => entry.score > 0)
          .sort((a, b) => b.score - a.score)
          .slice(0, limit)
          .map(({ skill, score }) => ({
            score,
            slug: skill.slug,
            displayName: skill.displayName ?? skill.slug,
            summary: skill.summary ?? null,
            version: skill.version,
            updatedAt: 1_730_000_000_000,
          }));
        return json(200, { results });
      }
      if (url.pathname === "/api/v1/download") {
        const candidates = skills.filter((skill) => skill.slug === query.slug);
        const skill = query.version
          ? candidates.find((candidate) => candidate.version === query.version)
          : candidates.at(-1);
        if (!skill) return new Response("Skill not found", { status: 404 });
        const archive = skill.archive ?? buildSkillZip({ name: skill.slug, version: skill.version });
        return new Response(archive, {
          headers: {
            "content-type": "application/zip",
            "content-disposition": `attachment; filename="${skill.slug}.zip"`,
          },
        });
      }
      return new Response("Not found", { status: 404 });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    addSkill: (skill) => skills.push(skill),
    setFault(next, options = {}) {
      fault = next;
      delayMs = options.delayMs ?? 0;
    },
    close: async () => {
      await server.stop(true);
    },
  };
}
