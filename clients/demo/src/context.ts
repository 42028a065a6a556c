import type { RealtimeClient, RestClient } from '@realtime-backbone/client';
import type { Identity } from './auth.js';

/** What every part of the app shares. */
export interface AppContext {
  rest: RestClient;
  realtime: RealtimeClient;
  me: Identity;
  /** Display names seen so far (messages, project members, typing frames), by user id. */
  names: Map<string, string>;
  navigate(path: string): void;
  /** Shows an error to the user for a while (a refused REST call, a refused subscribe). */
  notifyError(message: string): void;
}

export function displayName(context: AppContext, user: string): string {
  return user === context.me.user ? context.me.name : (context.names.get(user) ?? user);
}

export function errorText(error: unknown): string {
  if (error && typeof error === 'object' && 'problem' in error) {
    const problem = (error as { problem?: { title?: string; detail?: string } }).problem;
    if (problem?.detail || problem?.title) {
      return problem.detail ?? problem.title ?? '';
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/** Retries a subscribe refused as `room.not_found` for a while: a new membership may not have reached the edge. */
export const SUBSCRIBE_RETRY_DELAYS_MS = [250, 500, 1000, 2000, 4000];
