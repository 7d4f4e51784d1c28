import type { ApiProblem } from '../api/problem';
import { forgetEverythingKept } from '../lib/kept';
import type { AuthApi, Profile } from './session-api';

export type SessionState =
  | { state: 'loading' }
  | { state: 'signedOut' }
  | { state: 'signedIn'; profile: Profile }
  /** The API could not say (network, server): screens show the problem, the header a sign-in link. */
  | { state: 'unknown'; problem: ApiProblem };

/** Who is signed in on this browser: the profile from `GET /me`, kept current by the screens. */
export class Session {
  current: SessionState = $state({ state: 'loading' });
  readonly #api: AuthApi;
  #run = 0;

  constructor(api: AuthApi) {
    this.#api = api;
  }

  get profile(): Profile | null {
    return this.current.state === 'signedIn' ? this.current.profile : null;
  }

  /** The communes this person works for as staff (any role). */
  get staffCommunes(): string[] {
    return [...new Set(this.profile?.staff.map((grant) => grant.lau2) ?? [])];
  }

  async load(): Promise<void> {
    const run = ++this.#run;
    const outcome = await this.#api.me();
    if (run !== this.#run) return; // signed in or out meanwhile
    if (outcome.ok) this.#signedIn(outcome.data);
    // 404 "no such account": the account was deleted meanwhile.
    else if (outcome.problem.kind === 'signedOut' || outcome.problem.kind === 'notFound') this.current = { state: 'signedOut' };
    else this.current = { state: 'unknown', problem: outcome.problem };
  }

  /** A fresh profile from any call that returns one (sign-in, residence, profile changes). */
  update(profile: Profile): void {
    this.#run++;
    this.#signedIn(profile);
  }

  /** An API call answered 401: the session ended elsewhere (signed out everywhere, expired). */
  ended(): void {
    this.#run++;
    this.current = { state: 'signedOut' };
    forgetEverythingKept();
  }

  #signedIn(profile: Profile): void {
    if (this.profile?.id !== profile.id) forgetEverythingKept(); // what was kept between screens was someone else's
    this.current = { state: 'signedIn', profile };
  }

  async signOut(): Promise<ApiProblem | null> {
    const outcome = await this.#api.signOut();
    // Already signed out on the server is as good as signed out.
    if (outcome.ok || outcome.problem.kind === 'signedOut') {
      this.ended();
      return null;
    }
    return outcome.problem;
  }
}

/** Commune staff pages are for signed-in staff only (the API refuses everyone else). */
export function offersStaffPages(session: SessionState): boolean {
  return session.state === 'signedIn' && session.profile.staff.length > 0;
}
