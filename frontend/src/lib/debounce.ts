/** The timer functions a debounced action uses; tests pass fake ones. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const browserTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Forgets a call still waiting. */
  cancel(): void;
}

/** Runs `action` once calls have stopped for `ms`, with the arguments of the last call. */
export function debounce<A extends unknown[]>(action: (...args: A) => void, ms: number, timers: Timers = browserTimers): Debounced<A> {
  let pending: unknown = undefined;
  const debounced = (...args: A): void => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = timers.setTimeout(() => {
      pending = undefined;
      action(...args);
    }, ms);
  };
  debounced.cancel = (): void => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = undefined;
  };
  return debounced;
}
