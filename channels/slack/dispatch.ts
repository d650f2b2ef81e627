/**
 * Hands a Slack payload to Bolt and decides when Slack hears "got it" — shared by Socket Mode
 * (an envelope ack) and HTTP mode (the response).
 *
 * Why not Bolt's own timing: Bolt acknowledges an event *before* its listeners run, so a message
 * that then fails to be stored (database down) would be lost. Here an event is acknowledged only
 * after the listeners finished; a listener that throws `RedeliverableError` leaves it
 * unacknowledged and Slack delivers it again (the host dedupes by message `ts`). Interactive
 * payloads (button presses) are acknowledged the moment the listener calls `ack()`, as Slack's
 * 3-second limit requires. Anything else that goes wrong — a malformed payload, an unknown event
 * type — is logged and acknowledged: a redelivery could not fix it.
 */
import type { App } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";

/** Thrown by a listener when the payload was not taken care of and Slack should send it again. */
export class RedeliverableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RedeliverableError";
  }
}

export interface DeliveryMeta {
  retryNum?: number;
  retryReason?: string;
}

/** Sends the acknowledgement (an envelope ack or the HTTP response); `payload` is the ack body. */
export type Respond = (payload?: unknown) => Promise<void>;
export type Dispatch = (body: unknown, meta: DeliveryMeta, respond: Respond) => Promise<void>;

/** Remembers recently handled event ids so a retry is acknowledged without running twice. */
const REMEMBERED_EVENTS = 1000;

function isRedeliverable(error: unknown): boolean {
  return (
    error instanceof RedeliverableError ||
    (error as { original?: unknown } | undefined)?.original instanceof RedeliverableError
  );
}

export function createDispatcher(app: App, log: Logger): Dispatch {
  const handled = new Set<string>();
  const inFlight = new Set<string>();

  return async function dispatch(body, meta, respond) {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      log.warn("acknowledged a Slack payload that is not an object");
      await respond();
      return;
    }
    const fields = body as Record<string, unknown>;
    const eventId = typeof fields.event_id === "string" ? fields.event_id : undefined;
    if (eventId && (handled.has(eventId) || inFlight.has(eventId))) {
      log.info("acknowledged a Slack retry of an event already handled", { event: eventId, ...meta });
      await respond();
      return;
    }
    const isEvent = fields.type === "event_callback";
    let acknowledged = false;
    const ack = async (payload?: unknown) => {
      if (acknowledged) return;
      acknowledged = true;
      if (!isEvent) await respond(payload);
    };
    if (eventId) inFlight.add(eventId);
    try {
      await app.processEvent({ body: fields, ack, retryNum: meta.retryNum, retryReason: meta.retryReason });
    } catch (error) {
      if (isRedeliverable(error)) throw error;
      log.error("a Slack payload failed; acknowledged anyway", { type: fields.type, event: eventId, error });
    } finally {
      if (eventId) inFlight.delete(eventId);
    }
    if (eventId) {
      handled.add(eventId);
      if (handled.size > REMEMBERED_EVENTS) handled.delete(handled.values().next().value as string);
    }
    if (isEvent || !acknowledged) await respond();
  };
}
