import type { CommuneApi, AddressMatch } from '../communes/commune-api';
import { isAbort } from '../api/outcome';
import { browserTimers, debounce, type Timers } from '../lib/debounce';
import { closedCombobox, pressKey, withOptions, type ComboboxState } from './combobox';

export const SEARCH_DELAY_MS = 250;
export const MIN_QUERY_LENGTH = 2;

export type SearchStatus =
  | { state: 'idle' }
  | { state: 'searching' }
  | { state: 'found'; count: number }
  | { state: 'rateLimited'; retryAfter: number }
  | { state: 'error' };

/** "Which neighbourhood do I live in?": the query, its matches, the combobox and the chosen address. */
export class AddressSearch {
  query = $state('');
  matches: AddressMatch[] = $state([]);
  combobox: ComboboxState = $state(closedCombobox());
  status: SearchStatus = $state({ state: 'idle' });
  chosen: AddressMatch | null = $state(null);

  readonly #api: CommuneApi;
  readonly #lau2: string;
  readonly #timers: Timers;
  readonly #debounced;
  #controller: AbortController | null = null;
  #retry: unknown = undefined;

  constructor(api: CommuneApi, lau2: string, timers: Timers = browserTimers) {
    this.#api = api;
    this.#lau2 = lau2;
    this.#timers = timers;
    this.#debounced = debounce((query: string) => void this.#search(query), SEARCH_DELAY_MS, timers);
  }

  /** The resident typed: search once they pause. */
  input(query: string): void {
    this.query = query;
    this.#cancelRetry();
    if (query.trim().length < MIN_QUERY_LENGTH) {
      this.#debounced.cancel();
      this.#controller?.abort();
      this.matches = [];
      this.combobox = closedCombobox();
      this.status = { state: 'idle' };
      return;
    }
    this.#debounced(query.trim());
  }

  /** A key in the input; true when the component should prevent the default. */
  key(key: string, altKey = false): boolean {
    const result = pressKey(this.combobox, key, altKey);
    this.combobox = result.state;
    if (result.chosen !== undefined) this.choose(result.chosen);
    if (result.clear) this.input('');
    return result.handled;
  }

  choose(index: number): void {
    const match = this.matches[index];
    if (!match) return;
    this.chosen = match;
    this.query = match.label;
    this.status = { state: 'idle' };
    this.combobox = { ...closedCombobox(this.matches.length) };
  }

  /** Open or close the list without choosing (click on the input, focus leaving). */
  setExpanded(expanded: boolean): void {
    this.combobox = { ...this.combobox, expanded: expanded && this.matches.length > 0, active: expanded ? this.combobox.active : -1 };
  }

  dispose(): void {
    this.#debounced.cancel();
    this.#cancelRetry();
    this.#controller?.abort();
  }

  async #search(query: string): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.status = { state: 'searching' };
    let outcome;
    try {
      outcome = await this.#api.searchAddresses(this.#lau2, query, controller.signal);
    } catch (thrown) {
      if (isAbort(thrown)) return;
      outcome = null;
    }
    if (controller !== this.#controller || controller.signal.aborted) return; // a newer search owns the result
    if (outcome?.ok) {
      this.matches = outcome.data.addresses;
      this.combobox = withOptions(this.matches.length);
      this.status = { state: 'found', count: this.matches.length };
    } else if (outcome && outcome.problem.kind === 'rateLimited') {
      const retryAfter = outcome.problem.retryAfter ?? 5;
      this.status = { state: 'rateLimited', retryAfter };
      // Ask again once the API says we may, unless the resident typed something else meanwhile.
      this.#retry = this.#timers.setTimeout(() => {
        this.#retry = undefined;
        if (this.query.trim() === query) void this.#search(query);
      }, retryAfter * 1000);
    } else {
      this.status = { state: 'error' };
    }
  }

  #cancelRetry(): void {
    if (this.#retry !== undefined) this.#timers.clearTimeout(this.#retry);
    this.#retry = undefined;
  }
}
