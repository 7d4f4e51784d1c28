import type { ApiProblem } from '../api/problem';
import type { Profile } from '../session/session-api';

/** A verified resident's own neighbourhood, where their way on goes. */
export type HomeNeighbourhood = { id: string; name: string };

/**
 * A verified resident who opens a post, an item or a conversation the API answers 404 for: not in their
 * neighbourhood, or removed. The API must not say which (content of another neighbourhood answers 404), so
 * neither does the refusal; it leads them back to their own neighbourhood's feed (NotHereDoor.svelte).
 * Null for any other refusal, and for people not verified (session/doors.ts stops them before the screen).
 */
export function notHere(profile: Profile, problem: ApiProblem): HomeNeighbourhood | null {
  const neighbourhood = profile.residence.neighbourhood;
  if (problem.kind !== 'notFound' || profile.residence.status !== 'verified' || !neighbourhood) return null;
  const id = typeof neighbourhood['id'] === 'string' ? neighbourhood['id'] : null;
  if (!id) return null;
  return { id, name: typeof neighbourhood['name'] === 'string' ? neighbourhood['name'] : id };
}
