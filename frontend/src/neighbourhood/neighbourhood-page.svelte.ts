import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { Member, NeighbourhoodApi, NeighbourhoodInside, PendingNeighbour } from './neighbourhood-api';

/** What the last vouch did, for the live region: who, and whether they are verified now. */
export type VouchNews =
  | { state: 'vouched'; name: string; verified: boolean }
  | { state: 'failed'; name: string; problem: ApiProblem };

export interface Waiting {
  neighbours: PendingNeighbour[];
  /** Vouches this resident may still give this month (the API limits them). */
  vouchesLeft: number;
}

/** A resident's own neighbourhood: its name and size for everyone living there; members and who waits for the verified. */
export class NeighbourhoodPage {
  info: Loading<NeighbourhoodInside> = $state({ state: 'loading' });
  members: Loading<Member[]> | null = $state(null);
  waiting: Loading<Waiting> | null = $state(null);
  vouching: string | null = $state(null);
  news: VouchNews | null = $state(null);

  readonly id: string;
  readonly #api: NeighbourhoodApi;

  constructor(api: NeighbourhoodApi, id: string) {
    this.#api = api;
    this.id = id;
  }

  /**
   * `verified`: the reader is a verified resident here, so the lists are theirs to see; `name` the
   * neighbourhood's name as their profile knows it. Then its size is the member list's (kept between
   * screens), and the neighbourhood itself is asked only of those who cannot see the list.
   */
  async load(verified: boolean, name?: string): Promise<void> {
    const info = verified && name !== undefined ? null : this.#api.neighbourhood(this.id);
    if (verified) {
      this.members = { state: 'loading' };
      this.waiting = { state: 'loading' };
      const [members, waiting] = await Promise.all([this.#api.members(this.id), this.#api.waiting(this.id)]);
      this.members = members.ok ? { state: 'ready', value: members.data.members } : { state: 'failed', problem: members.problem };
      this.waiting = waiting.ok
        ? { state: 'ready', value: { neighbours: waiting.data.pending, vouchesLeft: waiting.data.vouches_left_this_month } }
        : { state: 'failed', problem: waiting.problem };
      if (info === null) {
        this.info = members.ok ? { state: 'ready', value: this.#inside(name!, members.data.members.length) } : { state: 'failed', problem: members.problem };
        return;
      }
    } else {
      this.members = null;
      this.waiting = null;
    }
    const answer = await (info ?? this.#api.neighbourhood(this.id));
    this.info = answer.ok ? { state: 'ready', value: answer.data } : { state: 'failed', problem: answer.problem };
  }

  #inside(name: string, memberCount: number): NeighbourhoodInside {
    // A neighbourhood id starts with its commune's LAU2 code (0501-891fa065313).
    return { id: this.id, name, lau2: this.id.split('-')[0] ?? '', member_count: memberCount };
  }

  async vouch(neighbour: PendingNeighbour): Promise<void> {
    if (this.vouching) return;
    this.vouching = neighbour.id;
    const outcome = await this.#api.vouch(this.id, neighbour.id);
    this.vouching = null;
    const name = neighbour.display_name;
    if (!outcome.ok) {
      this.news = { state: 'failed', name, problem: outcome.problem };
      return;
    }
    const verified = outcome.data.status === 'verified';
    this.news = { state: 'vouched', name, verified };
    if (this.waiting?.state === 'ready') {
      const { neighbours, vouchesLeft } = this.waiting.value;
      this.waiting = {
        state: 'ready',
        value: {
          vouchesLeft: Math.max(0, vouchesLeft - 1),
          neighbours: verified
            ? neighbours.filter((n) => n.id !== neighbour.id)
            : neighbours.map((n) => (n.id === neighbour.id ? { ...n, vouched_by_me: true } : n)),
        },
      };
    }
    if (verified) {
      const members = await this.#api.members(this.id);
      if (members.ok) {
        this.members = { state: 'ready', value: members.data.members };
        if (this.info.state === 'ready') this.info = { state: 'ready', value: { ...this.info.value, member_count: members.data.members.length } };
      }
    }
  }
}
