import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { Locale } from '../i18n/locales';

/** The paper digest an ambassador prints for neighbours without internet; tests pass a fake. */
export type PaperDigestApi = (neighbourhoodId: string, language: Locale, week: string | null) => Promise<Outcome<Blob>>;

export function httpPaperDigest(client: ApiClient): PaperDigestApi {
  // The document types the PDF body as a string; `parseAs: 'blob'` hands over the bytes instead.
  return (neighbourhood_id, language, week) =>
    outcomeOf(
      client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/paper-digest', {
        params: { path: { neighbourhood_id }, query: { language, ...(week ? { week } : {}) } },
        // API Gateway returns binary bodies only to requests that accept them
        headers: { Accept: 'application/pdf' },
        parseAs: 'blob',
      }),
    ) as unknown as Promise<Outcome<Blob>>;
}

/** The file's name: the neighbourhood, the week when one was chosen, the language. */
export function paperDigestFilename(neighbourhoodId: string, language: Locale, week: string | null): string {
  return `noper-digest-${neighbourhoodId}${week ? `-${week}` : ''}-${language}.pdf`;
}
