/**
 * The few globals the SDK needs, typed here so the package's declarations depend on neither the DOM nor the Node
 * type libraries: an application compiles against whichever one it uses.
 */

/** What the SDK uses of a WebSocket: the browser's `WebSocket` and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface FetchResponseLike {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: unknown },
) => Promise<FetchResponseLike>;

export type TimerHandle = unknown;

interface RuntimeGlobals {
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  atob(data: string): string;
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
  crypto?: { randomUUID?: () => string };
  console?: { error(...data: unknown[]): void };
}

export const runtime = globalThis as unknown as RuntimeGlobals;

/** setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days); cap instead. */
export const MAX_TIMER_MS = 2_147_483_647;

export function setTimer(callback: () => void, ms: number): TimerHandle {
  return runtime.setTimeout(callback, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
}

export function clearTimer(handle: TimerHandle | undefined): void {
  if (handle !== undefined) {
    runtime.clearTimeout(handle);
  }
}

export function randomId(): string {
  const uuid = runtime.crypto?.randomUUID?.();
  if (uuid) {
    return uuid;
  }
  // Older browsers without randomUUID: unique enough for an idempotency key of one user.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}
