/** Every gateway route has a body limit: a larger body is a 413 with a JSON message, declared or chunked. */
import { afterEach, describe, expect, test } from "bun:test";
import type { RouteHandler } from "../../src/gateway/server.ts";
import { type ApiHarness, postJson, startApi, token } from "./harness.ts";
import { firstJsonBody, openRawConnection, type RawConnection, rawRequest } from "./raw-http.ts";

let api: ApiHarness | undefined;
const connections: RawConnection[] = [];
afterEach(async () => {
  for (const connection of connections.splice(0)) connection.destroy();
  await api?.gateway.stop();
  api = undefined;
});

/** A platform webhook the way a channel serves one: it reads the whole body itself. */
function createWebhookRoute() {
  const bodies: string[] = [];
  const route: RouteHandler = async (request, url) => {
    if (url.pathname !== "/channels/fake/webhook") return undefined;
    bodies.push(await request.text());
    return new Response("ok");
  };
  return { route, bodies };
}

async function raw(harness: ApiHarness): Promise<RawConnection> {
  const connection = await openRawConnection(harness.url);
  connections.push(connection);
  return connection;
}

interface ErrorBody {
  error: string;
  message: string;
}

describe("the gateway body limit", () => {
  test("the chat API refuses a body over the default 1 MiB with 413 and a JSON message", async () => {
    api = startApi();
    const text = "x".repeat(1024 * 1024);
    const response = await api.call("/api/chat/send", postJson({ text }));
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect((await response.json()) as ErrorBody).toEqual({
      error: "payload_too_large",
      message: "the request body is larger than the limit of 1 MiB",
    });
    expect(api.chat.sent).toHaveLength(0);
  });

  test("a body of exactly the limit is accepted", async () => {
    api = startApi({}, {}, { maxBodyBytes: 1024 });
    const envelope = JSON.stringify({ text: "" }).length;
    const body = JSON.stringify({ text: "y".repeat(1024 - envelope) });
    expect(body.length).toBe(1024);
    const response = await api.call("/api/chat/send", postJson(body));
    expect(response.status).toBe(200);
    expect(api.chat.sent).toHaveLength(1);
  });

  test("a chunked body without Content-Length is cut at the limit, before it ends", async () => {
    api = startApi({}, {}, { maxBodyBytes: 1024 });
    const connection = await raw(api);
    connection.write(
      rawRequest("POST", "/api/chat/send", {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "transfer-encoding": "chunked",
      }),
    );
    const chunk = `{"text":"${"z".repeat(700)}`;
    connection.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    connection.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    // No terminating chunk: the answer must not wait for the rest of the body.
    await connection.waitFor(/\r\n\r\n\{.*\}/s);
    expect(connection.received()).toStartWith("HTTP/1.1 413");
    expect((firstJsonBody(connection.received()) as ErrorBody).error).toBe("payload_too_large");
    expect(api.chat.sent).toHaveLength(0);
  });

  test("a webhook route never sees an over-limit body, declared or chunked", async () => {
    const webhook = createWebhookRoute();
    api = startApi({}, {}, { maxBodyBytes: 1024, routes: [webhook.route] });
    const declared = await fetch(`${api.url}/channels/fake/webhook`, {
      method: "POST",
      body: "u".repeat(1025),
    });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as ErrorBody).message).toBe(
      "the request body is larger than the limit of 1 KiB",
    );

    const connection = await raw(api);
    connection.write(rawRequest("POST", "/channels/fake/webhook", { "transfer-encoding": "chunked" }));
    connection.write(`800\r\n${"v".repeat(0x800)}\r\n0\r\n\r\n`);
    await connection.waitFor(/\r\n\r\n\{.*\}/s);
    expect(connection.received()).toStartWith("HTTP/1.1 413");
    expect(webhook.bodies).toEqual([]);
  });

  test("a chunked body within the limit reaches the webhook route intact", async () => {
    const webhook = createWebhookRoute();
    api = startApi({}, {}, { maxBodyBytes: 1024, routes: [webhook.route] });
    const connection = await raw(api);
    connection.write(rawRequest("POST", "/channels/fake/webhook", { "transfer-encoding": "chunked" }));
    connection.write("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    await connection.waitFor(/\r\n\r\nok/);
    expect(connection.received()).toStartWith("HTTP/1.1 200");
    expect(webhook.bodies).toEqual(["hello world"]);
  });

  test("a GET that carries a small body is answered normally", async () => {
    api = startApi({}, {}, { maxBodyBytes: 1024 });
    const connection = await raw(api);
    connection.write(
      rawRequest(
        "GET",
        "/api/approvals",
        { authorization: `Bearer ${token}`, "content-length": "5" },
        "hello",
      ),
    );
    await connection.waitFor(/\r\n\r\n\{.*\}/s);
    expect(connection.received()).toStartWith("HTTP/1.1 200");
  });
});
