/**
 * The Slack Web API client and the one way the channel calls it.
 *
 * Why our own 429 handling: @slack/web-api's default waits out Retry-After but then also pauses
 * every other call and retries through p-retry's backoff for up to ~30 minutes, which would hold
 * a chat's reply queue hostage. Here the client rejects a 429 at once (`rejectRateLimitedCalls`)
 * and `callSlack` waits Retry-After through the shared wait (capped, cut short when the channel
 * stops) and tries again, a bounded number of times. Network failures and 5xx answers get two
 * quick retries from the client itself.
 */
import { webApi } from "@slack/bolt";
import type { Logger } from "../../src/log.ts";
import { waitForRetry } from "../shared/rate-limit-wait.ts";

export type WebClient = InstanceType<typeof webApi.WebClient>;
export type WebClientOptions = NonNullable<ConstructorParameters<typeof webApi.WebClient>[1]>;
/** A successful call's JSON body (`ok: true` and the method's fields). */
export type SlackResult = Record<string, unknown>;
export type CallSlack = (method: string, args?: Record<string, unknown>) => Promise<SlackResult>;

/** Options for every WebClient the channel creates (Bolt's App gets the same). */
export function webClientOptions(apiUrl: string | undefined): WebClientOptions {
  return {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/` } : {}),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    timeout: 30_000,
  };
}

function retryAfterSeconds(error: unknown): number | undefined {
  const { code, retryAfter } = (error ?? {}) as { code?: unknown; retryAfter?: unknown };
  if (code !== webApi.ErrorCode.RateLimitedError || typeof retryAfter !== "number") return undefined;
  return Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
}

export function createSlackCaller(
  client: WebClient,
  options: {
    log: Logger;
    maxRateLimitRetries: number;
    stopSignal?: AbortSignal;
    maxRateLimitWaitMs?: number;
  },
): CallSlack {
  return async function callSlack(method, args = {}) {
    for (let attempt = 0; ; attempt++) {
      try {
        return (await client.apiCall(method, args)) as unknown as SlackResult;
      } catch (error) {
        const wait = retryAfterSeconds(error);
        if (wait === undefined || attempt >= options.maxRateLimitRetries) throw error;
        const retry = await waitForRetry(wait * 1000, options.stopSignal, {
          log: options.log,
          capMs: options.maxRateLimitWaitMs,
          context: { method, attempt: attempt + 1 },
        });
        if (!retry) throw error;
      }
    }
  };
}

/** The Slack error code of a failed call (`message_not_found`, `invalid_auth`…), if any. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === "string" ? data.error : undefined;
}
