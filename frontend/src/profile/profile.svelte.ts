import type { Profile, SessionPublic } from '../api/client';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { ProfileApi, SpokenLanguage } from './profile-api';

export const DISPLAY_NAME_MAX = 40;

export type NameError = 'missing' | 'tooLong';

/** The editable part of the profile: how neighbours see me and which languages I speak. */
export class ProfileEditor {
  displayName = $state('');
  languages: SpokenLanguage[] = $state([]);
  showHouseNumber = $state(false);
  nameError: NameError | null = $state(null);
  busy = $state(false);
  saved = $state(false);
  problem: ApiProblem | null = $state(null);

  readonly #api: ProfileApi;

  constructor(api: ProfileApi, profile: Profile) {
    this.#api = api;
    this.displayName = profile.display_name;
    this.languages = [...profile.languages];
    this.showHouseNumber = profile.show_house_number ?? false;
  }

  toggleLanguage(locale: SpokenLanguage, on: boolean): void {
    const without = this.languages.filter((l) => l !== locale);
    this.languages = on ? [...without, locale] : without;
    this.saved = false;
  }

  /** The updated profile once saved, else null (the error is set). */
  async save(): Promise<Profile | null> {
    if (this.busy) return null;
    const name = this.displayName.trim();
    this.nameError = name === '' ? 'missing' : name.length > DISPLAY_NAME_MAX ? 'tooLong' : null;
    this.saved = false;
    if (this.nameError) return null;
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.update({ display_name: name, languages: this.languages, show_house_number: this.showHouseNumber });
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return null;
    }
    this.displayName = outcome.data.display_name;
    this.saved = true;
    return outcome.data;
  }
}

/** Where I am signed in, and signing out of every device at once. */
export class SignedInDevices {
  sessions: Loading<SessionPublic[]> = $state({ state: 'loading' });
  busy = $state(false);
  problem: ApiProblem | null = $state(null);

  readonly #api: ProfileApi;

  constructor(api: ProfileApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const outcome = await this.#api.sessions();
    // The current device first, then the most recently used.
    this.sessions = outcome.ok
      ? {
          state: 'ready',
          value: [...outcome.data.sessions].sort(
            (a, b) => Number(b.current) - Number(a.current) || b.last_seen_at.localeCompare(a.last_seen_at),
          ),
        }
      : { state: 'failed', problem: outcome.problem };
  }

  /** True once every session, this one too, is closed. */
  async signOutEverywhere(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.signOutEverywhere();
    this.busy = false;
    if (outcome.ok || outcome.problem.kind === 'signedOut') return true;
    this.problem = outcome.problem;
    return false;
  }
}
