import type { ApiProblem } from '../api/problem';
import type { CommuneReview, NeighbourhoodEvent } from './events-api';

/** A date of the event as the event page lists it. */
export type When = { occurrence_id: string; start: string; end: string; cancelled: boolean; moved: boolean };

/** The date an organiser's reminder is for: the first coming one that is neither cancelled nor started. */
export function nextOccurrence(upcoming: readonly When[], now: number = Date.now()): When | null {
  return upcoming.find((o) => !o.cancelled && Date.parse(o.start) > now) ?? null;
}

/** The API's 409 when this date's reminder was asked already (chalicelib/events/reminders.py). */
export const reminderAskedAlready = (problem: ApiProblem): boolean =>
  problem.status === 409 && (problem.fields['occurrence_id'] ?? '').includes('asked already');

/** The API's 409 when the commune has the event already (its review waits or was approved). */
export const communeAskedAlready = (problem: ApiProblem): boolean =>
  problem.status === 409 && ['asked already', 'reaches the commune already'].includes(problem.fields['event_id'] ?? '');

/**
 * Where the organisers' request to reach the whole commune stands: approved when the event reaches it, else the
 * review's status as the API answered when asked (`asked`: asked earlier, its answer unknown here); null: not asked.
 */
export type CommuneState = { status: 'approved' | 'pending' | 'refused' | 'withdrawn' | 'asked'; reason: string | null };

export function communeState(event: Pick<NeighbourhoodEvent, 'commune_wide'>, review: Pick<CommuneReview, 'status' | 'reason'> | 'asked' | null): CommuneState | null {
  if (event.commune_wide) return { status: 'approved', reason: null };
  if (review === 'asked') return { status: 'asked', reason: null };
  if (!review) return null;
  return { status: review.status, reason: review.reason ?? null };
}

/** The organisers may ask (again) when nothing is asked, or after a refusal or a withdrawal. */
export const mayAskCommune = (state: CommuneState | null): boolean => !state || state.status === 'refused' || state.status === 'withdrawn';
