/**
 * What the Bolt app listens to: direct messages (handed to the host, which stores them before
 * the event is acknowledged) and approval button presses (acknowledged at once, decided by the
 * host; a press the host refuses — stale, foreign, expired — gets an ephemeral notice and
 * changes nothing). Every other payload is logged at debug level and acknowledged.
 *
 * The notice goes to the press's `response_url` (valid for any presser, no extra scope), and
 * only without one through chat.postEphemeral, which works only for members of the channel.
 */
import type { App } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";
import type { ChannelHost } from "../../src/plugin/channel.ts";
import { FAILED_PRESS_NOTICE, STALE_PRESS_NOTICE } from "../shared/approval-labels.ts";
import { RedeliverableError } from "./dispatch.ts";
import { type MessageFilter, parseBlockActions, parseMessageEvent } from "./events.ts";
import type { SlackSender } from "./sender.ts";

export interface ListenerOptions {
  host: ChannelHost;
  sender: SlackSender;
  filter: MessageFilter;
  log: Logger;
}

type Respond = (message: {
  response_type: "ephemeral";
  replace_original: false;
  text: string;
}) => Promise<unknown>;

async function handlePress(body: unknown, options: ListenerOptions, respond?: Respond): Promise<void> {
  const { host, sender, log } = options;
  const press = parseBlockActions(body);
  let notice = STALE_PRESS_NOTICE;
  if (!press.action) {
    log.warn("a button press that does not decode", { channel: press.channel, user: press.user });
  } else {
    try {
      const result = await host.onAction(press.action);
      if (result.ok) return; // the host settles the prompt: it shows the outcome, buttons gone
      notice = result.notice;
    } catch (error) {
      log.error("deciding an approval failed", { approval: press.action.approvalId, error });
      notice = FAILED_PRESS_NOTICE;
    }
  }
  const shown = respond
    ? respond({ response_type: "ephemeral", replace_original: false, text: notice })
    : press.channel && press.user
      ? sender.ephemeral(press.channel, press.user, notice)
      : undefined;
  await shown?.catch((error: unknown) => log.warn("could not show a notice for a button press", { error }));
}

export function registerListeners(app: App, options: ListenerOptions): void {
  const { host, log } = options;
  app.use(async ({ body, next }) => {
    const fields = body as { type?: unknown; event?: { type?: unknown } };
    log.debug("slack payload", { type: fields.type, event: fields.event?.type });
    await next();
  });

  app.event("message", async ({ event }) => {
    const parsed = parseMessageEvent(event, options.filter);
    if (parsed.kind === "skip") {
      log.debug("skipped a Slack message", { reason: parsed.reason });
      return;
    }
    try {
      await host.onMessage(parsed.message);
    } catch (error) {
      throw new RedeliverableError("the message could not be stored", { cause: error });
    }
  });

  app.action({ type: "block_actions" }, async ({ ack, body, respond }) => {
    await ack();
    await handlePress(body, options, respond);
  });
}
