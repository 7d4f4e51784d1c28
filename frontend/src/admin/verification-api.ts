import type { ApiClient, LetterBatchRequest, PendingResident, VerificationDecision } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';

export type { PendingResident };
export type Decision = VerificationDecision['decision'];
/** Letters for every pending resident of the commune, or for every address of one neighbourhood. */
export type LetterRequest = { pending: true } | { neighbourhood_id: string };

function batch(request: LetterRequest): LetterBatchRequest {
  return 'pending' in request
    ? { pending: true, neighbourhood_id: null, valid_days: DEFAULT_VALID_DAYS }
    : { pending: false, neighbourhood_id: request.neighbourhood_id, valid_days: DEFAULT_VALID_DAYS };
}

/** How long a letter's code works, as the API's default. */
export const DEFAULT_VALID_DAYS = 60;

/** What commune staff do to verify residents; tests pass a fake. */
export interface VerificationApi {
  /** A page of residents waiting, longest waiting first; `cursor` (from the previous page) for the next. */
  pending(lau2: string, cursor?: string | null): Promise<Outcome<{ residents: PendingResident[]; cursor?: string | null }>>;
  decide(lau2: string, userId: string, decision: Decision, reason: string): Promise<Outcome<unknown>>;
  /** The letters as one PDF. */
  letters(lau2: string, request: LetterRequest): Promise<Outcome<Blob>>;
  /** The launch campaign's poster or flyer of the commune or one neighbourhood, as a PDF. */
  poster(lau2: string, size: PosterSize, neighbourhoodId: string | null): Promise<Outcome<Blob>>;
}

export type PosterSize = 'a4' | 'a5' | 'a6';

export function httpVerificationApi(client: ApiClient): VerificationApi {
  return {
    pending: (lau2, cursor) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/verifications', {
          params: { path: { lau2 }, query: { status: 'pending', ...(cursor ? { cursor } : {}) } },
          cache: 'no-store',
        }),
      ),
    decide: (lau2, userId, decision, reason) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/verifications/{user_id}', {
          params: { path: { lau2, user_id: userId } },
          body: { decision, reason: decision === 'reject' ? reason : null },
        }),
      ),
    // The document types the PDF body as a string; `parseAs: 'blob'` hands over the bytes instead.
    letters: (lau2, request) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/letters', {
          params: { path: { lau2 } },
          body: batch(request),
          // API Gateway returns binary bodies only to requests that accept them
          headers: { Accept: 'application/pdf' },
          parseAs: 'blob',
        }),
      ) as unknown as Promise<Outcome<Blob>>,
    poster: (lau2, size, neighbourhoodId) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/posters', {
          params: { path: { lau2 }, query: { size, ...(neighbourhoodId ? { neighbourhood_id: neighbourhoodId } : {}) } },
          headers: { Accept: 'application/pdf' },
          parseAs: 'blob',
        }),
      ) as unknown as Promise<Outcome<Blob>>,
  };
}

/** The file name of a letters PDF: the commune, what they are for, and the day. */
export function lettersFilename(lau2: string, request: LetterRequest, today: Date = new Date()): string {
  const what = 'neighbourhood_id' in request ? request.neighbourhood_id : 'pending';
  return `noper-letters-${lau2}-${what}-${today.toISOString().slice(0, 10)}.pdf`;
}
