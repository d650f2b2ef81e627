/**
 * The `secret_request` tool's port: asks the owner to add a secret without the value ever
 * passing through the model. The host sends the owner, directly on their channel, a one-time
 * link to a form on the local gateway; the tool (and so the model) gets back only that the
 * request went out, when it expires, and the CLI command — never the link, whose token would let
 * whoever holds it choose the value.
 *
 * Example:
 *   const outcome = await port.request({ name: "github_token", reason: "…", conversationId });
 */

export interface SecretRequestInput {
  name: string;
  /** Shown to the owner beside the form ("to read your GitHub issues"). */
  reason?: string;
  /** Where the owner is: the link goes to this conversation's chat. */
  conversationId: string;
}

export interface SecretRequestOutcome {
  /** False when the conversation has no chat to send the link to (the CLI command still works). */
  delivered: boolean;
  expiresAt: Date;
  /** `ironclaw secrets set NAME`, safe to show anyone. */
  command: string;
  /** A secret of that name is already stored (the form replaces it). */
  replaces: boolean;
}

export interface SecretRequestPort {
  request(input: SecretRequestInput): Promise<SecretRequestOutcome>;
}
