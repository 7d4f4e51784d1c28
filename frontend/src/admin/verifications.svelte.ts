import { Download } from '../lib/download.svelte';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { Decision, LetterRequest, PendingResident, VerificationApi } from './verification-api';

export type DecisionNews = { state: 'decided'; name: string; decision: Decision } | { state: 'failed'; name: string; problem: ApiProblem };

/** Residents waiting for staff to check the population register; approve, or reject with a reason. */
export class PendingVerifications {
  list: Loading<PendingResident[]> = $state({ state: 'loading' });
  /** The resident whose reject form is open, and the reason typed there. */
  rejecting: string | null = $state(null);
  reason = $state('');
  reasonMissing = $state(false);
  busy: string | null = $state(null);
  news: DecisionNews | null = $state(null);
  /** The next page's, while there is one; `paging` while it loads. */
  cursor: string | null = $state(null);
  paging = $state(false);
  pageProblem: ApiProblem | null = $state(null);

  readonly #api: VerificationApi;
  readonly #lau2: string;

  constructor(api: VerificationApi, lau2: string) {
    this.#api = api;
    this.#lau2 = lau2;
  }

  async load(): Promise<void> {
    const outcome = await this.#api.pending(this.#lau2);
    this.list = outcome.ok ? { state: 'ready', value: outcome.data.residents } : { state: 'failed', problem: outcome.problem };
    this.cursor = outcome.ok ? (outcome.data.cursor ?? null) : null;
  }

  /** The next page, appended; returns the index of its first resident (-1 when nothing came). */
  async more(): Promise<number> {
    if (this.paging || !this.cursor || this.list.state !== 'ready') return -1;
    this.paging = true;
    this.pageProblem = null;
    const outcome = await this.#api.pending(this.#lau2, this.cursor);
    this.paging = false;
    if (!outcome.ok) {
      this.pageProblem = outcome.problem;
      return -1;
    }
    const shown = this.list.state === 'ready' ? this.list.value : [];
    const known = new Set(shown.map((r) => r.user_id));
    const added = outcome.data.residents.filter((r) => !known.has(r.user_id));
    this.list = { state: 'ready', value: [...shown, ...added] };
    this.cursor = outcome.data.cursor ?? null;
    return added.length ? shown.length : -1;
  }

  startRejecting(userId: string): void {
    this.rejecting = userId;
    this.reason = '';
    this.reasonMissing = false;
  }

  cancelRejecting(): void {
    this.rejecting = null;
    this.reasonMissing = false;
  }

  async decide(resident: PendingResident, decision: Decision): Promise<void> {
    if (this.busy) return;
    const reason = this.reason.trim();
    if (decision === 'reject') {
      this.reasonMissing = reason === '';
      if (this.reasonMissing) return;
    }
    this.busy = resident.user_id;
    const outcome = await this.#api.decide(this.#lau2, resident.user_id, decision, reason);
    this.busy = null;
    const name = resident.display_name || resident.email;
    if (!outcome.ok) {
      this.news = { state: 'failed', name, problem: outcome.problem };
      return;
    }
    this.news = { state: 'decided', name, decision };
    this.rejecting = null;
    if (this.list.state === 'ready') this.list = { state: 'ready', value: this.list.value.filter((r) => r.user_id !== resident.user_id) };
  }
}

/** Printing verification letters: for every pending resident, or for one neighbourhood. */
export class VerificationLetters extends Download {
  readonly #api: VerificationApi;
  readonly #lau2: string;

  constructor(api: VerificationApi, lau2: string) {
    super();
    this.#api = api;
    this.#lau2 = lau2;
  }

  request(request: LetterRequest): Promise<Blob | null> {
    return this.run(() => this.#api.letters(this.#lau2, request));
  }
}
