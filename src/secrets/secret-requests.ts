/**
 * One-time requests for a secret (the `secret_request` tool and the gateway form). A request is
 * a random 192-bit token of which only the SHA-256 is stored, valid for a short time and used
 * once: the form is shown for an open request, and a submit consumes it (compare-and-set) before
 * the value is stored — a replayed or doubled submit stores nothing. Were storing to fail, the
 * request is reopened, so the owner can try again and nothing is half-written.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../db/client.ts";
import {
  consumeSecretRequest,
  findOpenSecretRequest,
  insertSecretRequest,
  reopenSecretRequest,
} from "../db/secrets.ts";
import type { SecretRequestOutcome, SecretRequestPort } from "../plugin/ports/secret-request-port.ts";
import { checkSecretName } from "./names.ts";
import type { SecretStore } from "./store.ts";

export interface SecretRequestServiceOptions {
  db: Database;
  store: Pick<SecretStore, "set" | "exists">;
  /** The gateway's base URL once it listens (undefined before). */
  gatewayUrl: () => string | undefined;
  /** Sends `text` to the chat of `conversationId`; false when it has none. */
  deliver: (conversationId: string, text: string) => Promise<boolean>;
  validityMs?: number;
  now?: () => Date;
}

export type SecretRequestService = ReturnType<typeof createSecretRequestService>;

const hashOf = (token: string): string => createHash("sha256").update(token).digest("hex");

export function createSecretRequestService(options: SecretRequestServiceOptions) {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  const validityMs = options.validityMs ?? 15 * 60_000;

  const port: SecretRequestPort = {
    async request(input): Promise<SecretRequestOutcome> {
      const name = checkSecretName(input.name);
      const command = `ironclaw secrets set ${name}`;
      const replaces = await options.store.exists(name);
      const expiresAt = new Date(now().getTime() + validityMs);
      const base = options.gatewayUrl();
      let delivered = false;
      if (base !== undefined) {
        const token = randomBytes(24).toString("base64url");
        await insertSecretRequest(db, {
          tokenHash: hashOf(token),
          secretName: name,
          reason: input.reason ?? null,
          expiresAt,
        });
        const link = `${base.replace(/\/$/, "")}/secrets/new/${token}`;
        const text = [
          `The assistant asks you to add the secret ${name}${input.reason ? ` (${input.reason})` : ""}${replaces ? "; this replaces the stored value" : ""}.`,
          `Open this one-time link on this machine (valid for ${Math.round(validityMs / 60_000)} minutes): ${link}`,
          `Or run: ${command}`,
          "Never paste the value into this chat.",
        ].join("\n");
        delivered = await options.deliver(input.conversationId, text);
      }
      return { delivered, expiresAt, command, replaces };
    },
  };

  return {
    port,
    /** The open request behind `token`, for the form; undefined when unknown, used or expired. */
    async find(token: string) {
      const row = await findOpenSecretRequest(db, hashOf(token), now());
      return row && { name: row.secretName, reason: row.reason, expiresAt: row.expiresAt };
    },
    /** Stores `value` under the request's name; false when the request is not open (nothing stored). */
    async fulfil(token: string, value: string): Promise<{ ok: true; name: string } | { ok: false }> {
      const tokenHash = hashOf(token);
      const row = await consumeSecretRequest(db, tokenHash, now());
      if (!row) return { ok: false };
      try {
        await options.store.set(row.secretName, value);
      } catch (error) {
        await reopenSecretRequest(db, tokenHash);
        throw error;
      }
      return { ok: true, name: row.secretName };
    },
  };
}
