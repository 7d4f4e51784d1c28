import type { ApiClient } from '../api/client';
import { outcomeOf } from '../api/outcome';
import type { components } from '../api/schema';
import { ReviewQueue, type ReviewsApi } from './event-reviews.svelte';

export type CallReview = components['schemas']['CallReview'];

/** Partners' calls for volunteers waiting for the commune (chalicelib/volunteering/approval.py); tests pass a fake. */
export function httpCallReviewsApi(client: ApiClient): ReviewsApi<CallReview> {
  return {
    reviews: (lau2, status) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/call-reviews', { params: { path: { lau2 }, query: { status } }, cache: 'no-store' })),
    decide: (lau2, callId, decision, reason) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/call-reviews/{call_id}', {
          params: { path: { lau2, call_id: callId } },
          body: { decision, reason },
        }),
      ),
  };
}

/** The "Calls to approve" section's queue: the events' queue, keyed by call. */
export class CallReviews extends ReviewQueue<CallReview> {
  constructor(api: ReviewsApi<CallReview>, lau2: string) {
    super(api, lau2, (review) => review.call_id);
  }
}
