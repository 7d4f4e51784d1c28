import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { paths } from '../api/schema';
import type { AnnouncementPage } from '../announcements/announcements-api';

export type PublicLanguage = NonNullable<
  NonNullable<paths['/api/v1/communes/{lau2}/announcements']['get']['parameters']['query']>['language']
>;

/** The commune's public announcements (no account needed); tests pass a fake. */
export interface PublicAnnouncementsApi {
  list(lau2: string, language: PublicLanguage, cursor?: string): Promise<Outcome<AnnouncementPage>>;
}

export function httpPublicAnnouncementsApi(client: ApiClient): PublicAnnouncementsApi {
  return {
    list: (lau2, language, cursor) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/announcements', {
          params: { path: { lau2 }, query: { language, ...(cursor ? { cursor } : {}) } },
          // Attachment links are presigned for a few minutes: never reuse a cached page.
          cache: 'no-store',
        }),
      ),
  };
}

/** The Atom feed of the same announcements, for feed readers and the commune's website. */
export const feedPath = (lau2: string): string => `/api/v1/communes/${encodeURIComponent(lau2)}/announcements.atom`;
