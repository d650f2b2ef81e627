// The install policy for channel components, from their WIT: the channel world's exports with
// their signatures, only the host's channel interfaces as imports, and a component of the other
// world refused naming both (a tool never gets the channel interfaces).
import { describe, expect, test } from "bun:test";
import {
  checkChannelComponent,
  componentProblems,
  worldOfComponent,
} from "../../../src/plugin/wasm/component-policy.ts";
import { parseWorldItems } from "../../../src/plugin/wasm/inspect.ts";

const channelWorld = [
  "  import ironclaw:plugin/host@0.1.0;",
  "  import ironclaw:plugin/channel-host@0.1.0;",
  "  import ironclaw:plugin/channel-types@0.1.0;",
  "  export on-start: func(config-json: string) -> result<start-info, channel-failure>;",
  "  export on-http-request: func(request: http-request-in) -> result<http-response-out, channel-failure>;",
  "  export on-poll: func() -> result<_, channel-failure>;",
  "  export on-respond: func(message: outbound-message) -> result<message-ref, channel-failure>;",
  "  export on-edit: func(ref: message-ref, message: outbound-message) -> result<_, channel-failure>;",
  "  export on-approval: func(prompt: approval-prompt) -> result<message-ref, channel-failure>;",
  "  export on-status: func(chat-id: string, status: status) -> result<_, channel-failure>;",
  "  export on-action-result: func(action-id: string, chat-id: string, sender-id: string, notice: string) -> result<_, channel-failure>;",
  "  export on-shutdown: func();",
];
const toolWorld = [
  "  import ironclaw:plugin/host@0.1.0;",
  "  import ironclaw:plugin/tool-types@0.1.0;",
  "  export description: func() -> string;",
  "  export schema: func() -> string;",
  "  export execute: func(params-json: string, context-json: string) -> result<string, tool-failure>;",
];

function componentOf(lines: string[]) {
  const items = parseWorldItems(`package root:component;\n\nworld root {\n${lines.join("\n")}\n}\n`);
  return {
    items,
    imports: items.filter((item) => item.direction === "import").map((item) => item.name),
    exports: items.filter((item) => item.direction === "export").map((item) => item.name),
  };
}

describe("channel component policy", () => {
  test("the channel world with the host's interfaces passes", () => {
    const component = componentOf(channelWorld);
    expect(worldOfComponent(component)).toBe("channel");
    expect(componentProblems(component, "channel")).toEqual([]);
    expect(checkChannelComponent(component)).toBe(component);
  });

  test("a missing callback or a changed signature is refused, each named", () => {
    const withoutPoll = channelWorld.filter((line) => !line.includes("on-poll"));
    expect(componentProblems(componentOf(withoutPoll), "channel")).toEqual(["does not export on-poll"]);
    const withoutActionResult = channelWorld.filter((line) => !line.includes("on-action-result"));
    expect(componentProblems(componentOf(withoutActionResult), "channel")).toEqual([
      "does not export on-action-result",
    ]);
    const changed = channelWorld.map((line) =>
      line.includes("on-respond") ? "  export on-respond: func(message: string) -> string;" : line,
    );
    expect(componentProblems(componentOf(changed), "channel")).toEqual([
      "exports on-respond as func(string) -> string, expected func(outbound-message) -> result<message-ref, channel-failure>",
    ]);
  });

  test("WASI and foreign imports are refused for channels as for tools", () => {
    expect(
      componentProblems(
        componentOf([...channelWorld, "  import wasi:http/outgoing-handler@0.2.3;"]),
        "channel",
      ),
    ).toEqual(["imports wasi:http/outgoing-handler@0.2.3: network access outside the host is not allowed"]);
    expect(
      componentProblems(componentOf([...channelWorld, "  import wasi:sockets/tcp@0.2.3;"]), "channel")[0],
    ).toContain("network access");
  });

  test("a tool never gets the channel interfaces", () => {
    expect(
      componentProblems(componentOf([...toolWorld, "  import ironclaw:plugin/channel-host@0.1.0;"])),
    ).toEqual(["imports ironclaw:plugin/channel-host@0.1.0: channel interfaces are not given to tools"]);
  });

  test("a component of the other world is refused naming both, with how to rebuild", () => {
    expect(componentProblems(componentOf(toolWorld), "channel")).toEqual([
      'is a tool component (it exports the tool world) but its manifest is a channel\'s ("kind": "channel"): build it with `ironclaw tools build <source> --channel`, or install it with a tool manifest',
    ]);
    expect(componentProblems(componentOf(channelWorld), "tool")[0]).toContain(
      "is a channel component (it exports the channel world) but its manifest is a tool's",
    );
    expect(() => checkChannelComponent(componentOf(toolWorld))).toThrow(
      "The component is refused: it is a tool component",
    );
  });

  test("a channel for another WIT version is refused naming both versions", () => {
    const future = channelWorld.map((line) => line.replace("@0.1.0", "@0.2.0"));
    expect(componentProblems(componentOf(future), "channel")).toEqual([
      "was built for ironclaw:plugin@0.2.0; this host implements ironclaw:plugin@0.1.0 and loads 0.0.x to 0.1.x: rebuild it against tools/wit",
    ]);
  });
});
