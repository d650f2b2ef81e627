/**
 * The gateway page behind a `secret_request` link: `GET /secrets/new/<token>` shows a one-field
 * form, `POST` stores the value. The link's token is the authorisation (random, single use,
 * expiring), so these routes do not take the API token; every other path under /secrets/ is a
 * 404. Pages are `no-store`, send no referrer and allow no scripts or framing, and never echo
 * the value — a failed submit says what to do, not what was sent.
 */

import type { RouteHandler } from "../gateway/server.ts";
import type { Logger } from "../log.ts";
import type { SecretRequestService } from "./secret-requests.ts";

const headers = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function page(status: number, title: string, body: string): Response {
  return new Response(
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:36em;margin:3em auto"><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    { status, headers },
  );
}

const gone = () =>
  page(
    404,
    "Link not valid",
    "<p>This link was already used, has expired or never existed. Ask again, or run <code>ironclaw secrets set NAME</code>.</p>",
  );

export function createSecretRequestRoutes(service: SecretRequestService, log: Logger): RouteHandler {
  return async function secretRequestRoute(request, url) {
    const match = /^\/secrets\/new\/([A-Za-z0-9_-]{32})$/.exec(url.pathname);
    if (!url.pathname.startsWith("/secrets/")) return undefined;
    if (!match) return gone();
    const token = match[1] as string;
    if (request.method === "GET") {
      const open = await service.find(token);
      if (!open) return gone();
      return page(
        200,
        `Add the secret ${open.name}`,
        `${open.reason ? `<p>${escapeHtml(open.reason)}</p>` : ""}<form method="post"><p><input type="password" name="value" autocomplete="off" required autofocus style="width:100%"></p><p><button type="submit">Store encrypted</button></p></form><p>The value is stored encrypted and injected only into requests to the hosts you map it to; the assistant never sees it. Valid until ${escapeHtml(open.expiresAt.toISOString())}.</p>`,
      );
    }
    if (request.method !== "POST")
      return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
    const value = (await request.formData().catch(() => undefined))?.get("value");
    if (typeof value !== "string" || value === "") {
      return page(400, "Nothing stored", "<p>The form was empty. Go back and enter the value.</p>");
    }
    try {
      const result = await service.fulfil(token, value);
      if (!result.ok) return gone();
      log.info("secret stored from a one-time link", { secret: result.name });
      return page(
        200,
        `Stored ${result.name}`,
        "<p>The secret is stored encrypted. You can close this page.</p>",
      );
    } catch (error) {
      log.warn("secret from a one-time link not stored", { error });
      const reason = error instanceof Error ? error.message : "unknown error";
      return page(400, "Nothing stored", `<p>${escapeHtml(reason)}</p>`);
    }
  };
}
