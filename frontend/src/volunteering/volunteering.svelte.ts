import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { SpokenLanguage } from '../profile/profile-api';
import {
  MAX_SKILLS, SKILLS, type Frequency, type Helper, type Pair, type PairVerb, type Skill, type Volunteering,
  type OffersApi,
} from './offers-api';

/** Helpers grouped by skill, in the fixed order of skills; each group in the order the API gave. */
export function bySkill(helpers: Helper[]): { skill: Skill; helpers: Helper[] }[] {
  return SKILLS.map((skill) => ({ skill, helpers: helpers.filter((h) => h.skill === skill) })).filter(
    (group) => group.helpers.length > 0,
  );
}

/** The pair to show on the card: an open one (offered, accepted by one, paired) first, the newest. */
export function currentPair(pairs: Pair[]): Pair | null {
  return pairs.find((p) => p.state === 'offered' || p.state === 'accepted' || p.state === 'paired') ?? null;
}

/** What I may do with a pair now. */
export function verbsFor(pair: Pair): PairVerb[] {
  if (pair.state === 'paired') return ['end'];
  if (pair.state === 'offered' || pair.state === 'accepted') return pair.accepted_by_me ? ['decline'] : ['accept', 'decline'];
  return [];
}

/** "Skills I offer" and "Welcome buddy" in the profile: loaded once near the view, saved as one offer. */
export class VolunteeringEditor {
  loaded: Loading<Volunteering> = $state({ state: 'loading' });
  skills: Skill[] = $state([]);
  frequency: Frequency = $state('occasionally');
  languages: SpokenLanguage[] = $state([]);
  buddy = $state(false);
  busy = $state(false);
  saved = $state(false);
  problem: ApiProblem | null = $state(null);
  /** Set when a buddy has no language: the field the API would name. */
  languagesMissing = $state(false);

  readonly #api: OffersApi;

  constructor(api: OffersApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const mine = await this.#api.mine();
    if (!mine.ok) {
      this.loaded = { state: 'failed', problem: mine.problem };
      return;
    }
    this.#take(mine.data);
  }

  #take(offer: Volunteering): void {
    this.loaded = { state: 'ready', value: offer };
    this.skills = SKILLS.filter((s) => offer.skills.includes(s));
    this.frequency = offer.frequency;
    this.languages = offer.languages as SpokenLanguage[];
    this.buddy = offer.buddy;
  }

  get full(): boolean {
    return this.skills.length >= MAX_SKILLS;
  }

  /** Ticks or unticks a skill; an eleventh is refused (its box stays disabled). */
  toggleSkill(skill: Skill, on: boolean): void {
    this.saved = false;
    if (on && !this.skills.includes(skill) && !this.full) this.skills = SKILLS.filter((s) => s === skill || this.skills.includes(s));
    if (!on) this.skills = this.skills.filter((s) => s !== skill);
  }

  toggleLanguage(language: SpokenLanguage, on: boolean): void {
    this.saved = false;
    this.languages = on ? [...new Set([...this.languages, language])] : this.languages.filter((l) => l !== language);
    if (this.languages.length) this.languagesMissing = false;
  }

  async save(): Promise<boolean> {
    this.saved = false;
    this.languagesMissing = this.buddy && this.languages.length === 0;
    if (this.languagesMissing) return false;
    this.busy = true;
    const answer = await this.#api.save({
      skills: this.skills, frequency: this.frequency, languages: this.languages, buddy: this.buddy,
    });
    this.busy = false;
    if (!answer.ok) {
      this.problem = answer.problem;
      return false;
    }
    this.problem = null;
    this.#take(answer.data);
    this.saved = true;
    return true;
  }

  async withdraw(): Promise<boolean> {
    this.busy = true;
    const answer = await this.#api.withdraw();
    this.busy = false;
    if (!answer.ok) {
      this.problem = answer.problem;
      return false;
    }
    this.problem = null;
    this.#take({ skills: [], frequency: 'occasionally', languages: [], buddy: false });
    return true;
  }
}

/** My welcome buddy pairs: the card with Accept / Decline / End, and asking for a buddy. */
export class BuddyPairs {
  pairs: Loading<Pair[]> = $state({ state: 'loading' });
  busy = $state(false);
  problem: ApiProblem | null = $state(null);
  /** After asking: none was free (the API's 409). */
  noneFree = $state(false);

  readonly #api: OffersApi;

  constructor(api: OffersApi) {
    this.#api = api;
  }

  get current(): Pair | null {
    return this.pairs.state === 'ready' ? currentPair(this.pairs.value) : null;
  }

  async load(): Promise<void> {
    const answer = await this.#api.pairs();
    this.pairs = answer.ok ? { state: 'ready', value: answer.data.pairs } : { state: 'failed', problem: answer.problem };
  }

  #replace(pair: Pair): void {
    const others = this.pairs.state === 'ready' ? this.pairs.value.filter((p) => p.id !== pair.id) : [];
    this.pairs = { state: 'ready', value: [pair, ...others] };
  }

  async act(pair: Pair, verb: PairVerb): Promise<void> {
    this.busy = true;
    const answer = await this.#api.change(pair.id, verb);
    this.busy = false;
    if (answer.ok) {
      this.problem = null;
      this.#replace(answer.data);
    } else {
      this.problem = answer.problem;
      if (answer.problem.status === 409) await this.load(); // it changed meanwhile: show how it stands
    }
  }

  async ask(): Promise<void> {
    this.busy = true;
    this.noneFree = false;
    const answer = await this.#api.askForBuddy();
    this.busy = false;
    if (answer.ok) {
      this.problem = null;
      this.#replace(answer.data);
    } else if (answer.problem.status === 409) {
      this.noneFree = true;
    } else {
      this.problem = answer.problem;
    }
  }
}

/** The neighbourhood's "who can help" directory, filtered by skill (one call each). */
export class HelpersDirectory {
  skill: Skill | null = $state(null);
  helpers: Loading<Helper[]> = $state({ state: 'loading' });
  readonly neighbourhoodId: string;
  readonly #api: OffersApi;
  #run = 0;

  constructor(api: OffersApi, neighbourhoodId: string, skill: Skill | null = null) {
    this.#api = api;
    this.neighbourhoodId = neighbourhoodId;
    this.skill = skill;
  }

  async load(): Promise<void> {
    const run = ++this.#run;
    this.helpers = { state: 'loading' };
    const answer = await this.#api.helpers(this.neighbourhoodId, this.skill);
    if (run !== this.#run) return;
    this.helpers = answer.ok ? { state: 'ready', value: answer.data.helpers } : { state: 'failed', problem: answer.problem };
  }

  async filter(skill: Skill | null): Promise<void> {
    if (skill === this.skill && this.helpers.state !== 'failed') return;
    this.skill = skill;
    await this.load();
  }
}
