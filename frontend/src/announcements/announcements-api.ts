import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components, paths } from '../api/schema';

type Schemas = components['schemas'];
export type Announcement = Schemas['AnnouncementPublic'];
export type AnnouncementPage = Schemas['AnnouncementPage'];
export type ChannelLanguage = NonNullable<NonNullable<paths['/api/v1/me/announcements']['get']['parameters']['query']>['language']>;

/** The residents' "From the commune" channel; tests pass a fake. */
export interface AnnouncementsApi {
  mine(language: ChannelLanguage, cursor?: string): Promise<Outcome<AnnouncementPage>>;
  one(id: string, language: ChannelLanguage): Promise<Outcome<Announcement>>;
}

export function httpAnnouncementsApi(client: ApiClient): AnnouncementsApi {
  const fresh = { cache: 'no-store' as const };
  return {
    mine: (language, cursor) =>
      outcomeOf(client.GET('/api/v1/me/announcements', { params: { query: { language, ...(cursor ? { cursor } : {}) } }, ...fresh })),
    one: (id, language) =>
      outcomeOf(
        client.GET('/api/v1/announcements/{announcement_id}', {
          params: { path: { announcement_id: id }, query: { language } },
          ...fresh,
        }),
      ),
  };
}
