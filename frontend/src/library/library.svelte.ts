import { isAbort, type Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { browserTimers, debounce, type Debounced, type Timers } from '../lib/debounce';
import type { Item, ItemCreate, LibraryApi, Loan, MyLoans, Wanted } from './library-api';
import { sortLoans, waitingForMe, withLoan, type LoanAction } from './loans';

export const SEARCH_DEBOUNCE_MS = 300;

/** What the last action did, for the screen's live region. */
export type LibraryNews =
  | { kind: 'lent'; name: string }
  | { kind: 'asked'; name: string }
  | { kind: 'closed'; name: string }
  | { kind: 'loan'; action: LoanAction; name: string }
  | { kind: 'failed'; problem: ApiProblem };

/** Fields of the "lend something" form, as typed. */
export interface LendForm {
  name: string;
  description: string;
  conditions: string;
  category: ItemCreate['category'];
}

/**
 * The neighbourhood's lending library: what neighbours lend (searched as the resident types),
 * what they would borrow, and the resident's own loans as borrower and as owner.
 */
export class LibraryPage {
  items: Loading<Item[]> = $state({ state: 'loading' });
  query = $state('');
  /** The query the shown items answer (the count announces it). */
  shownQuery = $state('');
  wanted: Loading<Wanted[]> = $state({ state: 'loading' });
  loans: Loading<MyLoans> = $state({ state: 'loading' });
  names: Record<string, string> = $state({});
  busy: string | null = $state(null);
  news: LibraryNews | null = $state(null);
  lendProblem: ApiProblem | null = $state(null);
  wantedProblem: ApiProblem | null = $state(null);

  readonly neighbourhoodId: string;
  readonly #api: LibraryApi;
  readonly #search: Debounced<[string]>;
  #searchRun = 0;
  #controller: AbortController | null = null;

  constructor(api: LibraryApi, neighbourhoodId: string, options: { timers?: Timers } = {}) {
    this.#api = api;
    this.neighbourhoodId = neighbourhoodId;
    this.#search = debounce((q: string) => void this.#fetchItems(q), SEARCH_DEBOUNCE_MS, options.timers ?? browserTimers);
  }

  async load(): Promise<void> {
    const members = this.#api.members(this.neighbourhoodId).then((answer) => {
      if (answer.ok) this.names = Object.fromEntries(answer.data.members.map((m) => [m.id, m.display_name]));
    });
    await Promise.all([this.#fetchItems(''), this.loadWanted(), this.loadLoans(), members]);
  }

  /** The name of a neighbour of the neighbourhood, or null (a former resident, or not loaded). */
  nameOf(userId: string | null | undefined): string | null {
    return (userId && this.names[userId]) || null;
  }

  /** Typed in the search box: asks the API once typing pauses. */
  search(q: string): void {
    this.query = q;
    this.#search(q.trim());
  }

  /** Enter in the search box: no need to wait. */
  searchNow(): void {
    this.#search.cancel();
    void this.#fetchItems(this.query.trim());
  }

  stop(): void {
    this.#search.cancel();
    this.#controller?.abort();
  }

  async #fetchItems(q: string): Promise<void> {
    const run = ++this.#searchRun;
    this.#controller?.abort();
    const controller = typeof AbortController === 'undefined' ? null : new AbortController();
    this.#controller = controller;
    let answer: Outcome<{ items: Item[] }>;
    try {
      answer = await this.#api.items(this.neighbourhoodId, q, controller?.signal);
    } catch (thrown) {
      if (isAbort(thrown)) return;
      throw thrown;
    }
    if (run !== this.#searchRun) return; // a later search answers instead
    this.shownQuery = q;
    this.items = answer.ok ? { state: 'ready', value: answer.data.items } : { state: 'failed', problem: answer.problem };
  }

  async loadWanted(): Promise<void> {
    const answer = await this.#api.wanted(this.neighbourhoodId);
    this.wanted = answer.ok ? { state: 'ready', value: answer.data.wanted } : { state: 'failed', problem: answer.problem };
  }

  async loadLoans(): Promise<void> {
    const answer = await this.#api.myLoans();
    this.loans = answer.ok
      ? { state: 'ready', value: { as_borrower: sortLoans(answer.data.as_borrower), as_owner: sortLoans(answer.data.as_owner) } }
      : { state: 'failed', problem: answer.problem };
  }

  /** Requests of my things still waiting for my answer. */
  get requestsWaiting(): number {
    return this.loans.state === 'ready' ? waitingForMe(this.loans.value) : 0;
  }

  /** Lists a thing; true when it was listed (the form then clears). */
  async lend(form: LendForm, photoId: string | null): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'lend';
    this.lendProblem = null;
    const answer = await this.#api.lend(this.neighbourhoodId, {
      name: form.name.trim(),
      description: form.description.trim(),
      conditions: form.conditions.trim(),
      category: form.category,
      photo_id: photoId,
      available: true,
      blocked: [],
    });
    this.busy = null;
    if (!answer.ok) {
      this.lendProblem = answer.problem;
      return false;
    }
    this.news = { kind: 'lent', name: answer.data.name };
    await this.#fetchItems(this.query.trim());
    return true;
  }

  async askFor(name: string, description: string): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'wanted';
    this.wantedProblem = null;
    const answer = await this.#api.askFor(this.neighbourhoodId, name.trim(), description.trim());
    this.busy = null;
    if (!answer.ok) {
      this.wantedProblem = answer.problem;
      return false;
    }
    this.news = { kind: 'asked', name: answer.data.name };
    if (this.wanted.state === 'ready') this.wanted = { state: 'ready', value: [answer.data, ...this.wanted.value] };
    return true;
  }

  async close(wanted: Wanted): Promise<void> {
    if (this.busy) return;
    this.busy = wanted.id;
    const answer = await this.#api.closeWanted(this.neighbourhoodId, wanted.id);
    this.busy = null;
    if (!answer.ok) {
      this.news = { kind: 'failed', problem: answer.problem };
      return;
    }
    this.news = { kind: 'closed', name: wanted.name };
    if (this.wanted.state === 'ready') this.wanted = { state: 'ready', value: this.wanted.value.filter((w) => w.id !== wanted.id) };
  }

  /** Accept, decline, picked up, returned or cancel one of my loans. */
  async act(loan: Loan, action: LoanAction): Promise<void> {
    if (this.busy) return;
    this.busy = loan.id;
    const answer = await loanCall(this.#api, loan, action);
    this.busy = null;
    if (!answer.ok) {
      this.news = { kind: 'failed', problem: answer.problem };
      if (answer.problem.kind === 'conflict') await this.loadLoans(); // someone else changed it: show what is true now
      return;
    }
    this.news = { kind: 'loan', action, name: loan.item_name };
    if (this.loans.state === 'ready') {
      const { as_borrower, as_owner } = this.loans.value;
      this.loans = { state: 'ready', value: { as_borrower: sortLoans(withLoan(as_borrower, answer.data)), as_owner: sortLoans(withLoan(as_owner, answer.data)) } };
    }
  }
}

/** The API call behind a loan action. */
export function loanCall(api: LibraryApi, loan: Loan, action: LoanAction): Promise<Outcome<Loan>> {
  return action === 'accept' || action === 'decline' ? api.decide(loan.id, action) : api.moveLoan(loan.id, action);
}
