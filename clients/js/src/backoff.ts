export interface BackoffOptions {
  /** Delay before the first reconnect attempt, before jitter. Default 500 ms. */
  initialDelayMs?: number;
  /** Upper bound of the delay, before jitter. Default 5 s: a client is back at most that long after the edge is. */
  maxDelayMs?: number;
  /** Growth per failed attempt. Default 2. */
  factor?: number;
  /**
   * Share of the delay that is random, 0..1. Default 0.5: the delay is drawn from [base × (1 − jitter), base].
   * Without it every client of a restarted edge would come back in the same millisecond.
   */
  jitter?: number;
  /** Source of randomness in [0, 1); Math.random by default. */
  random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 5_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * Math.pow(factor, Math.max(0, attempt - 1)));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}
