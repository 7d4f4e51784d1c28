import type { Loading } from '../communes/commune-page.svelte';
import { directory, type DirectoryEntry } from './directory';
import type { ProfessionalsApi, Trade } from './professionals-api';

/** The neighbourhood's recommended professionals, filtered by trade, with what neighbours wrote about them
 * (one call: the API lists each professional's contact and recommendations). */
export class ProfessionalsPage {
  trade: Trade | null = $state(null);
  entries: Loading<DirectoryEntry[]> = $state({ state: 'loading' });

  readonly neighbourhoodId: string;
  readonly #api: ProfessionalsApi;
  #run = 0;

  constructor(api: ProfessionalsApi, neighbourhoodId: string, trade: Trade | null = null) {
    this.#api = api;
    this.neighbourhoodId = neighbourhoodId;
    this.trade = trade;
  }

  async load(): Promise<void> {
    const run = ++this.#run;
    this.entries = { state: 'loading' };
    const listed = await this.#api.professionals(this.neighbourhoodId, this.trade);
    if (run !== this.#run) return;
    this.entries = listed.ok ? { state: 'ready', value: directory(listed.data.professionals) } : { state: 'failed', problem: listed.problem };
  }

  async filter(trade: Trade | null): Promise<void> {
    if (trade === this.trade && this.entries.state !== 'failed') return;
    this.trade = trade;
    await this.load();
  }
}
