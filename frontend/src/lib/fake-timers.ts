import type { Timers } from './debounce';

/** Timers driven by hand in unit tests: `advance(ms)` runs what falls due, in order. */
export class ManualTimers implements Timers {
  now = 0;
  #next = 1;
  #due = new Map<number, { at: number; callback: () => void }>();

  setTimeout = (callback: () => void, ms: number): number => {
    const handle = this.#next++;
    this.#due.set(handle, { at: this.now + ms, callback });
    return handle;
  };

  clearTimeout = (handle: unknown): void => {
    this.#due.delete(handle as number);
  };

  get pending(): number {
    return this.#due.size;
  }

  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const next = [...this.#due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.#due.delete(next[0]);
      this.now = next[1].at;
      next[1].callback();
    }
    this.now = until;
  }
}
