/**
 * secret_request: the model asks the owner to add a secret it needs (an API key for a service
 * the owner asked it to use). The value never passes through the model: the host sends the owner
 * a one-time link to a form on the local gateway, on their own chat, and the CLI command; the
 * model gets back only the name, the command and when the link expires. Once stored, the
 * secret is injected by the host for the hosts the owner maps it to (`ironclaw secrets map`).
 *
 * Approval tier: `always`, risk `write`. A prompt-injected model could use a request to make
 * the owner replace a working credential with one an attacker supplies through a convincing
 * reason, or to pester the owner; the owner sees the name and the reason and decides each time.
 * The link is never in the result, so a model (or a page it read) cannot fill in the form itself.
 */
import { defineTool } from "../../src/plugin/define-tool.ts";
import type { SecretRequestPort } from "../../src/plugin/ports/secret-request-port.ts";
import type { Tool } from "../../src/plugin/tool.ts";

const namePattern = "^[A-Za-z][A-Za-z0-9_.-]{0,63}$";

export function createSecretRequestTool(port: SecretRequestPort): Tool {
  return defineTool({
    name: "secret_request",
    // Sent on every turn while the secret store is on: every word is paid for (issue #14).
    description:
      "Ask the owner to store a secret you need (API key, token). They get a private link; you " +
      "never see the value, only pass its name where a tool asks for a secret.",
    risk: "write",
    offer: "on-search",
    approval: "always",
    parameters: {
      type: "object",
      properties: {
        name: { type: "string", pattern: namePattern, description: "e.g. github_token" },
        reason: { type: "string", maxLength: 200, description: "shown to the owner" },
      },
      required: ["name"],
      additionalProperties: false,
    },
    summarize: (params) =>
      `ask you to add the secret “${params.name}”${params.reason ? ` (${params.reason})` : ""}`,
    async execute(params, context) {
      if (!new RegExp(namePattern).test(params.name)) {
        return { content: `Invalid secret name "${params.name}".`, isError: true };
      }
      try {
        const outcome = await port.request({
          name: params.name,
          ...(params.reason === undefined ? {} : { reason: params.reason }),
          conversationId: context.conversationId,
        });
        return {
          content: JSON.stringify({
            requested: params.name,
            linkSentToOwner: outcome.delivered,
            expiresAt: outcome.expiresAt.toISOString(),
            replacesExisting: outcome.replaces,
            command: outcome.command,
            note: outcome.delivered
              ? "The owner got a private link. Do not ask them to paste the value in chat."
              : `No link could be sent here; tell the owner to run \`${outcome.command}\` on the machine. Do not ask for the value in chat.`,
          }),
        };
      } catch (error) {
        return {
          content: `Could not ask for the secret: ${error instanceof Error ? error.message : String(error)}`,
          isError: true,
        };
      }
    },
  });
}
