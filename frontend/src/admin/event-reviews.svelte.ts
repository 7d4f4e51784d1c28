import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type EventReview = Schemas['EventReview'];
export type EventReviewStatus = EventReview['status'];
export type EventDecision = Schemas['EventDecision']['decision'];

/** The statuses staff can list, the queue (pending) first. */
export const REVIEW_STATUSES: readonly EventReviewStatus[] = ['pending', 'approved', 'refused', 'withdrawn'];

/** A review queue's reads and decisions: its items share these statuses and decisions. */
export interface ReviewsApi<R> {
  reviews(lau2: string, status: EventReviewStatus): Promise<Outcome<{ reviews: R[] }>>;
  decide(lau2: string, id: string, decision: EventDecision, reason: string): Promise<Outcome<R>>;
}

/** The commune's events that ask to reach the whole commune (chalicelib/events/approval.py); tests pass a fake. */
export type EventReviewsApi = ReviewsApi<EventReview>;

export function httpEventReviewsApi(client: ApiClient): EventReviewsApi {
  return {
    reviews: (lau2, status) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/event-reviews', { params: { path: { lau2 }, query: { status } }, cache: 'no-store' })),
    decide: (lau2, eventId, decision, reason) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/event-reviews/{event_id}', {
          params: { path: { lau2, event_id: eventId } },
          body: { decision, reason },
        }),
      ),
  };
}

/** The decisions open on a review in this status: a pending event is approved or refused, an approved one withdrawn. */
export function decisionsFor(status: EventReviewStatus): EventDecision[] {
  if (status === 'pending') return ['approve', 'refuse'];
  if (status === 'approved') return ['withdraw'];
  return [];
}

/** Refusing and withdrawing tell the organisers why: the reason is asked for before anything is sent. */
export const needsReason = (decision: EventDecision): boolean => decision !== 'approve';

/** A review queue (events, partners' calls…): one status listed at a time, pending first. */
export class ReviewQueue<R extends { title: string }> {
  status: EventReviewStatus = $state('pending');
  reviews: R[] = $state([]);
  loaded = $state(false);
  problem: ApiProblem | null = $state(null);
  /** The review whose refusal or withdrawal lacks a reason. */
  reasonMissing: string | null = $state(null);
  decided: { title: string; decision: EventDecision } | null = $state(null);

  readonly #api: ReviewsApi<R>;
  readonly #lau2: string;
  readonly #idOf: (review: R) => string;
  #asked = 0;

  constructor(api: ReviewsApi<R>, lau2: string, idOf: (review: R) => string) {
    this.#api = api;
    this.#lau2 = lau2;
    this.#idOf = idOf;
  }

  /** The id a review is decided by (its event's, its call's). */
  idOf(review: R): string {
    return this.#idOf(review);
  }

  async load(status: EventReviewStatus = this.status): Promise<void> {
    const asked = ++this.#asked;
    this.status = status;
    this.loaded = false;
    const outcome = await this.#api.reviews(this.#lau2, status);
    if (asked !== this.#asked) return; // another status was chosen meanwhile
    this.loaded = true;
    if (outcome.ok) {
      this.reviews = outcome.data.reviews;
      this.problem = null;
    } else {
      this.reviews = [];
      this.problem = outcome.problem;
    }
  }

  async decide(id: string, decision: EventDecision, reason = ''): Promise<boolean> {
    this.decided = null;
    this.problem = null;
    const why = reason.trim();
    if (needsReason(decision) && !why) {
      this.reasonMissing = id;
      return false;
    }
    this.reasonMissing = null;
    const outcome = await this.#api.decide(this.#lau2, id, decision, why);
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return false;
    }
    this.reviews = this.reviews.filter((review) => this.#idOf(review) !== id);
    this.decided = { title: outcome.data.title, decision };
    return true;
  }
}

/** The "Events to approve" section's queue. */
export class EventReviews extends ReviewQueue<EventReview> {
  constructor(api: EventReviewsApi, lau2: string) {
    super(api, lau2, (review) => review.event_id);
  }
}
