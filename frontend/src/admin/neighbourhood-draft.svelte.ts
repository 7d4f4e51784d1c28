import type { Outcome } from '../api/outcome';
import { isRecord, type ApiProblem } from '../api/problem';
import { emptyCollection, type NeighbourhoodCollection } from '../map/neighbourhood-geojson';
import type { AdminApi, Draft, Publication } from './admin-api';

export const DEFAULT_HOUSEHOLDS = 300;

export type DraftState =
  | { state: 'loading' }
  | { state: 'none' }
  | { state: 'ready'; draft: Draft }
  | { state: 'failed'; problem: ApiProblem };

/** Which control an error belongs next to. */
export type DraftAction = 'load' | 'propose' | 'merge' | 'publish' | `rename:${string}` | `split:${string}`;

/** The API's reason for one input (e.g. `households`, `name`, `ids`), if it named one. */
export function fieldError(problem: ApiProblem | null | undefined, field: string): string | null {
  if (!problem) return null;
  return problem.fields[field] ?? Object.entries(problem.fields).find(([name]) => name.startsWith(`${field}.`) || name.endsWith(`.${field}`))?.[1] ?? null;
}

/** Whether the body looks like a draft, so an unexpected answer leads to a reload rather than a broken screen. */
function isDraft(value: unknown): value is Draft {
  return isRecord(value) && Array.isArray(value.neighbourhoods) && isRecord(value.validation);
}

/** Commune staff review the proposed or drawn neighbourhoods, change them and publish. */
export class NeighbourhoodDraft {
  current: DraftState = $state({ state: 'loading' });
  shapes: NeighbourhoodCollection = $state(emptyCollection());
  households: number = $state(DEFAULT_HOUSEHOLDS);
  /** The two (at most) neighbourhoods ticked for merging, in the order ticked. */
  mergeIds: string[] = $state([]);
  pending: DraftAction | null = $state(null);
  problems: Partial<Record<DraftAction, ApiProblem>> = $state({});
  published: Publication | null = $state(null);

  readonly #api: AdminApi;
  readonly #lau2: string;

  constructor(api: AdminApi, lau2: string) {
    this.#api = api;
    this.#lau2 = lau2;
  }

  get draft(): Draft | null {
    return this.current.state === 'ready' ? this.current.draft : null;
  }

  async load(): Promise<void> {
    const [draft, shapes] = await Promise.all([this.#api.draft(this.#lau2), this.#api.draftShapes(this.#lau2)]);
    if (draft.ok && isDraft(draft.data)) {
      this.current = { state: 'ready', draft: draft.data };
      if (draft.data.households) this.households = draft.data.households;
    } else if (!draft.ok && draft.problem.kind === 'notFound') {
      this.current = { state: 'none' };
    } else {
      this.current = { state: 'failed', problem: draft.ok ? { status: 200, code: 'unexpected', message: '', fields: {}, kind: 'server' } : draft.problem };
    }
    this.shapes = shapes.ok ? shapes.data : emptyCollection();
    const present = new Set(this.draft?.neighbourhoods.map((n) => n.id) ?? []);
    this.mergeIds = this.mergeIds.filter((id) => present.has(id));
  }

  toggleMerge(id: string, ticked: boolean): void {
    const others = this.mergeIds.filter((other) => other !== id);
    // Ticking a third box replaces the oldest tick: a merge takes exactly two.
    this.mergeIds = ticked ? [...others, id].slice(-2) : others;
    // A refusal was about the previous pair.
    const problems = { ...this.problems };
    delete problems.merge;
    this.problems = problems;
  }

  propose(): Promise<boolean> {
    return this.#act('propose', () => this.#api.propose(this.#lau2, this.households));
  }

  rename(id: string, name: string): Promise<boolean> {
    return this.#act(`rename:${id}`, () => this.#api.rename(this.#lau2, id, name.trim(), this.draft?.version));
  }

  merge(): Promise<boolean> {
    const [a, b] = this.mergeIds;
    if (!a || !b) return Promise.resolve(false);
    return this.#act('merge', () => this.#api.merge(this.#lau2, [a, b], this.draft?.version));
  }

  split(id: string): Promise<boolean> {
    return this.#act(`split:${id}`, () => this.#api.split(this.#lau2, id, this.draft?.version));
  }

  async publish(): Promise<boolean> {
    const version = this.draft?.version;
    if (version === undefined) return false;
    this.published = null;
    return this.#act('publish', async () => {
      const outcome = await this.#api.publish(this.#lau2, version);
      if (outcome.ok) this.published = outcome.data;
      return outcome;
    });
  }

  async #act(action: DraftAction, call: () => Promise<Outcome<unknown>>): Promise<boolean> {
    if (this.pending) return false;
    this.pending = action;
    const others = { ...this.problems };
    delete others[action];
    this.problems = others;
    try {
      const outcome = await call();
      if (!outcome.ok) {
        this.problems = { ...this.problems, [action]: outcome.problem };
        // Someone else changed the draft: show the current one next to the message.
        if (outcome.problem.kind === 'conflict') await this.load();
        return false;
      }
      if (action === 'merge') this.mergeIds = [];
      await this.load();
      return true;
    } finally {
      this.pending = null;
    }
  }
}
