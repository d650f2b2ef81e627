/**
 * Types for the one module a WASM tool may import, `"ironclaw:tool"` (the guest prelude answers
 * it inside the component). Copy this file beside your tool's source for editor completion; the
 * builder does not need it. The globals the prelude adds (console, TextEncoder/TextDecoder, Date,
 * crypto.getRandomValues/randomUUID, Math.random) are the standard ones.
 *
 * Example:
 *   import { http } from "ironclaw:tool";
 *   export function execute(params: { city: string }) {
 *     return http.get(`https://api.weather.example/v1?q=${encodeURIComponent(params.city)}`).json();
 *   }
 */
declare module "ironclaw:tool" {
  /** Why the host did not perform a request (tools/wit/plugin.wit, http-failure-kind). */
  export type HttpFailureKind =
    | "network-denied"
    | "auth-required"
    | "too-large"
    | "timeout"
    | "rate-limited"
    | "invalid-request"
    | "network-error";

  /** Thrown by `http.*` when the host refused or could not perform the request. */
  export class HttpError extends Error {
    readonly kind: HttpFailureKind;
  }

  export interface HttpRequestOptions {
    /** Default GET. */
    method?: string;
    headers?: Record<string, string>;
    /** A string or bytes as they are; any other value is sent as JSON. */
    body?: string | Uint8Array | object;
    /** Default 10 000; the host also stops at the call's deadline. */
    timeoutMs?: number;
  }

  export interface HttpResponse {
    readonly status: number;
    /** 200–299. A 4xx/5xx is a response, not an exception. */
    readonly ok: boolean;
    /** Lower-case names. */
    readonly headers: Readonly<Record<string, string>>;
    readonly body: Uint8Array;
    text(): string;
    json(): unknown;
  }

  /** Synchronous: each call blocks until the host answers (no `await`). */
  export const http: {
    request(url: string, options?: HttpRequestOptions): HttpResponse;
    get(url: string, options?: Omit<HttpRequestOptions, "method">): HttpResponse;
    post(url: string, options?: Omit<HttpRequestOptions, "method">): HttpResponse;
  };

  export const workspace: {
    /** A text file under a workspace prefix the manifest grants; throws otherwise. */
    read(path: string): string;
  };

  /** Whether the owner stored this secret and the manifest lists it. The value is never given. */
  export function secretExists(name: string): boolean;

  /** The second argument of `execute`. */
  export interface ToolContext {
    readonly conversationId?: string;
    readonly turnId?: string;
    readonly nowMillis?: number;
  }
}
