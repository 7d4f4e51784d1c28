import type { ApiClient, Profile, SessionPublic } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { Locale } from '../i18n/locales';

export type { Profile, SessionPublic };

/** Signing in and out, and who is signed in; tests pass a fake. */
export interface AuthApi {
  requestCode(email: string, language: Locale): Promise<Outcome<unknown>>;
  signIn(email: string, code: string): Promise<Outcome<Profile>>;
  signOut(): Promise<Outcome<null>>;
  me(): Promise<Outcome<Profile>>;
}

export function httpAuthApi(client: ApiClient): AuthApi {
  return {
    requestCode: (email, language) => outcomeOf(client.POST('/api/v1/auth/code', { body: { email, language } })),
    signIn: (email, code) => outcomeOf(client.POST('/api/v1/auth/session', { body: { email, code } })),
    signOut: () => emptyOutcomeOf(client.DELETE('/api/v1/auth/session')),
    me: () => outcomeOf(client.GET('/api/v1/me', { cache: 'no-store' })),
  };
}
