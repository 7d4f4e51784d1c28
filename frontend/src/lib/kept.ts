import type { Outcome } from '../api/outcome';

const everyKept = new Set<{ forget(): void }>();

/** Someone else signs in on this browser, or nobody: nothing kept for the last person may show. */
export function forgetEverythingKept(): void {
  for (const kept of everyKept) kept.forget();
}

/**
 * Answers kept between screens: what does not change from one screen to the next (the members of a
 * neighbourhood, my conversations, my loans) is asked once, shared by whoever asks meanwhile (a request in
 * flight too), forgotten when the app changes it (`forget`) or after `maxAgeMs`. A failed answer is not kept.
 */
export class Kept<T> {
  readonly #entries = new Map<string, { at: number; answer: Promise<Outcome<T>> }>();
  readonly #maxAgeMs: number;
  readonly #clock: () => number;

  constructor(maxAgeMs: number, clock: () => number = () => Date.now()) {
    this.#maxAgeMs = maxAgeMs;
    this.#clock = clock;
    everyKept.add(this);
  }

  get(key: string, ask: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const kept = this.#entries.get(key);
    if (kept && this.#clock() - kept.at < this.#maxAgeMs) return kept.answer;
    const answer = ask().then((outcome) => {
      if (!outcome.ok && this.#entries.get(key)?.answer === answer) this.#entries.delete(key);
      return outcome;
    });
    this.#entries.set(key, { at: this.#clock(), answer });
    return answer;
  }

  /** It changed: the next `get` asks again (one key, or everything). */
  forget(key?: string): void {
    if (key === undefined) this.#entries.clear();
    else this.#entries.delete(key);
  }
}
