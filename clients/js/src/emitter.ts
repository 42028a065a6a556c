import { runtime } from './runtime.js';

/** A minimal typed event emitter; a listener that throws does not stop the others. */
export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    set.add(listener as (payload: never) => void);
    return () => {
      set!.delete(listener as (payload: never) => void);
    };
  }

  emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) {
      return;
    }
    for (const listener of [...set]) {
      safeCall(listener as (payload: Events[K]) => void, payload);
    }
  }
}

/** Application callbacks must not be able to break the connection's bookkeeping. */
export function safeCall<T>(callback: ((value: T) => void) | undefined, value: T): void {
  if (!callback) {
    return;
  }
  try {
    callback(value);
  } catch (error) {
    // Logged, not rethrown: rethrowing would crash a Node process over a bug in one listener.
    runtime.console?.error('realtime client: a listener threw', error);
  }
}
