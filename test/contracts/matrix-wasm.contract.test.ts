/**
 * The Matrix WASM channel runs the channel contract: the component built from
 * channels/matrix-wasm/ by the production builder, in the real channel runtime, long-polling
 * the fake homeserver (test/fakes/matrix/) through the host's guarded HTTP port with the token
 * injected by the host. Buttons are reactions the bot seeds on its prompt; a press is a reaction.
 */
import { beforeAll } from "bun:test";
import { buildMatrixArtifact } from "../channels/matrix-wasm/matrix-channel.ts";
import { startMatrixPlatform } from "../channels/matrix-wasm/matrix-platform.ts";
import { describeChannelContract } from "./channel-contract.ts";

// Built once, before any case: a build cut short by a case's timeout would fail them all.
beforeAll(() => buildMatrixArtifact(), 180_000);

// A press that changes nothing owes the presser a notice (Telegram: a callback answer; Slack: an
// ephemeral): the host hands it to the channel's on-action-result, which sends an m.notice
// replying to the reaction; the descriptor's press receipt reads it from the fake homeserver.
describeChannelContract({
  name: "matrix-wasm",
  // Characters of `body` per message, as the channel splits (its events stay under 64 KiB).
  messageLimit: 12_000,
  startPlatform: startMatrixPlatform,
});
