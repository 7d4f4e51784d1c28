import { isResidentScreen, matchRoute, type Route } from '../router/routes';
import type { Profile } from './session-api';

/**
 * Every door leads somewhere: what a person is told instead of a screen they cannot open, with the way on.
 * Known from the profile alone, before asking the API (which would answer 404 to keep neighbourhoods closed).
 * - `notVerified`: a pending resident opening a feed, a post, an item… (get verified: the three ways, on /join)
 * - `notJoined`: signed in without an address (join a neighbourhood)
 * - `staffElsewhere`: commune staff who live elsewhere (their admin page; or join where they live)
 */
export type ClosedDoor = 'notVerified' | 'notJoined' | 'staffElsewhere';

export function closedDoor(profile: Profile, route: Route): ClosedDoor | null {
  const status = profile.residence.status;
  if (status === 'verified') return null;
  const staff = profile.staff.length > 0;
  if (route.name === 'neighbourhood') {
    // A pending resident sees their own neighbourhood's name and how to get verified; others ask the API.
    if (status === 'pending') return null;
  } else if (!isResidentScreen(route)) {
    return null;
  } else if (route.name === 'moderation' && staff) {
    return null; // the API tells the commune's staff who moderates the neighbourhood
  }
  if (status === 'pending') return 'notVerified';
  return staff ? 'staffElsewhere' : 'notJoined';
}

/** Why the sign-in page was opened on the way somewhere, to say so rather than redirect silently. */
export type SignInReason =
  | { reason: 'neighbourhood'; neighbourhoodId: string | null }
  | { reason: 'join' }
  | { reason: 'admin' }
  | null;

export function signInReason(next: string | null | undefined): SignInReason {
  if (!next || !next.startsWith('/')) return null;
  const route = matchRoute(next);
  if (route.name === 'join') return { reason: 'join' };
  if (route.name === 'admin' || route.name === 'adminCommunes') return { reason: 'admin' };
  if (route.name === 'neighbourhood') return { reason: 'neighbourhood', neighbourhoodId: route.id };
  if (isResidentScreen(route)) {
    const inNeighbourhood = /^\/neighbourhoods\//.test(next);
    return { reason: 'neighbourhood', neighbourhoodId: inNeighbourhood && route.id ? route.id : null };
  }
  return null;
}

/** The join wizard opened on a neighbourhood (`/join?neighbourhood=<id>`), or on no place in particular. */
export function joinHref(neighbourhoodId: string | null | undefined): string {
  return neighbourhoodId ? `/join?neighbourhood=${encodeURIComponent(neighbourhoodId)}` : '/join';
}

/** The neighbourhoods whose moderation queue a person opens: their ambassadorships, and every neighbourhood of
 * the communes they moderate (`communeNeighbourhoods`: the published ones, by commune), by name. */
export function moderationDesks(
  profile: Profile,
  communeNeighbourhoods: Record<string, { id: string; name: string }[]>,
): { id: string; name: string }[] {
  const desks = new Map<string, string>();
  const own = profile.residence.neighbourhood;
  for (const role of profile.roles) {
    const [kind, where] = role.split(':', 2);
    if (!where) continue;
    if (kind === 'ambassador') {
      desks.set(where, own && own.id === where && typeof own.name === 'string' ? own.name : where);
    } else if (kind === 'moderator') {
      for (const neighbourhood of communeNeighbourhoods[where] ?? []) desks.set(neighbourhood.id, neighbourhood.name);
    }
  }
  return [...desks].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** The communes (LAU2) whose neighbourhoods this person moderates as the commune's moderator. */
export function moderatedCommunes(profile: Profile): string[] {
  return profile.roles.filter((role) => role.startsWith('moderator:')).map((role) => role.slice('moderator:'.length));
}

/** Whether this person moderates the neighbourhood (its ambassador, or a moderator of its commune). */
export function moderatesHere(profile: Profile, neighbourhoodId: string): boolean {
  const lau2 = neighbourhoodId.split('-', 1)[0];
  return profile.roles.includes(`ambassador:${neighbourhoodId}`) || profile.roles.includes(`moderator:${lau2}`);
}
