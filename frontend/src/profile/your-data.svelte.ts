import type { ApiClient, DataExport } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';

/** What "my data" needs of the API; tests pass a fake. */
export interface YourDataApi {
  /** The latest export: preparing, ready (with a download link valid 5 minutes) or expired; 404 when none. */
  latest(): Promise<Outcome<DataExport>>;
  /** Ask for one (the API answers the one asked for within the last hour again). */
  prepare(): Promise<Outcome<DataExport>>;
}

export function httpYourDataApi(client: ApiClient): YourDataApi {
  return {
    latest: () => outcomeOf(client.GET('/api/v1/me/exports/latest', { cache: 'no-store' })),
    prepare: () => outcomeOf(client.POST('/api/v1/me/exports')),
  };
}

/** How long a download link is trusted before it is asked again (the API signs it for 5 minutes). */
export const LINK_FRESH_MS = 4 * 60 * 1000;
/** A new copy may be asked an hour after the last one (before that the API answers the same one). */
export const ASK_AGAIN_MS = 60 * 60 * 1000;

export type YourDataStep = 'unknown' | 'none' | DataExport['state'];

/**
 * The resident's data, prepared in the background: "Prepare my data" → "being prepared, we will email you" →
 * "Download (until <date>)". Read once the section is near the view (the profile screen's own calls stay two).
 */
export class YourData {
  export: DataExport | null = $state(null);
  step: YourDataStep = $state('unknown');
  problem: ApiProblem | null = $state(null);
  busy = $state(false);
  readonly #api: YourDataApi;
  readonly #now: () => number;
  #fetchedAt = 0;

  constructor(api: YourDataApi, now: () => number = Date.now) {
    this.#api = api;
    this.#now = now;
  }

  /** May the resident ask for a fresh copy now? */
  get canPrepare(): boolean {
    if (this.step === 'none' || this.step === 'expired') return true;
    if (this.step !== 'ready' || !this.export?.requested_at) return false;
    return this.#now() - Date.parse(this.export.requested_at) > ASK_AGAIN_MS;
  }

  async load(): Promise<void> {
    await this.#run(() => this.#api.latest());
  }

  async prepare(): Promise<void> {
    await this.#run(() => this.#api.prepare());
  }

  /** Opens the download (`open` is location.assign in the app): with a link asked again when it may have lapsed. */
  async download(open: (url: string) => void): Promise<void> {
    if (this.#now() - this.#fetchedAt > LINK_FRESH_MS) await this.load();
    const url = this.step === 'ready' ? this.export?.download_url : null;
    if (url) open(url);
  }

  async #run(call: () => Promise<Outcome<DataExport>>): Promise<void> {
    this.busy = true;
    const outcome = await call();
    this.busy = false;
    if (outcome.ok) {
      this.problem = null;
      this.export = outcome.data;
      this.step = outcome.data.state;
      this.#fetchedAt = this.#now();
    } else if (outcome.problem.kind === 'notFound') {
      this.problem = null;
      this.export = null;
      this.step = 'none';
    } else {
      this.problem = outcome.problem;
    }
  }
}
