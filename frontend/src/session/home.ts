import type { Profile } from './session-api';

/** The id of the resident's own neighbourhood (where "back" links lead), or null without one. */
export function homeOf(profile: Profile): string | null {
  const home = profile.residence.neighbourhood;
  return home && typeof home['id'] === 'string' ? home['id'] : null;
}
