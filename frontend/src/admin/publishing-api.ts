import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type Publisher = Schemas['PublisherPublic'];
export type PublisherRequest = Schemas['PublisherRequest'];
export type PublisherLink = Schemas['LinkPublic'];
export type IssuedLink = Schemas['LinkIssued'];
export type LinkRequest = Schemas['LinkRequest'];
export type ReviewedAnnouncement = Schemas['AnnouncementPublic'];
export type Decision = Schemas['Decision']['decision'];
export type LogoStarted = Schemas['LogoUploadStarted'];
export type LogoType = Schemas['LogoUploadRequest']['content_type'];

/** What commune staff do for the commune's channel; tests pass a fake. */
export interface PublishingApi {
  publishers(lau2: string): Promise<Outcome<{ publishers: Publisher[] }>>;
  register(lau2: string, request: PublisherRequest): Promise<Outcome<Publisher>>;
  setStatus(lau2: string, id: string, status: Publisher['status']): Promise<Outcome<Publisher>>;
  startLogo(lau2: string, id: string, contentType: LogoType, size: number): Promise<Outcome<LogoStarted>>;
  settings(lau2: string): Promise<Outcome<{ partner_approval: boolean }>>;
  setSettings(lau2: string, partnerApproval: boolean): Promise<Outcome<{ partner_approval: boolean }>>;
  links(lau2: string): Promise<Outcome<{ links: PublisherLink[] }>>;
  issue(lau2: string, request: LinkRequest): Promise<Outcome<IssuedLink>>;
  revoke(lau2: string, id: string): Promise<Outcome<PublisherLink>>;
  /** The commune's announcements in one status: `pending` is the approval queue. */
  reviews(lau2: string, status: ReviewedAnnouncement['status'], language: string): Promise<Outcome<{ announcements: ReviewedAnnouncement[] }>>;
  decide(lau2: string, id: string, decision: Decision, reason: string): Promise<Outcome<ReviewedAnnouncement>>;
}

export function httpPublishingApi(client: ApiClient): PublishingApi {
  const commune = (lau2: string) => ({ params: { path: { lau2 } } });
  const fresh = { cache: 'no-store' as const };
  return {
    publishers: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/publishers', { ...commune(lau2), ...fresh })),
    register: (lau2, request) => outcomeOf(client.POST('/api/v1/communes/{lau2}/publishers', { ...commune(lau2), body: request })),
    setStatus: (lau2, id, status) =>
      outcomeOf(
        client.PUT('/api/v1/communes/{lau2}/publishers/{publisher_id}/status', {
          params: { path: { lau2, publisher_id: id } },
          body: { status },
        }),
      ),
    startLogo: (lau2, id, contentType, size) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/publishers/{publisher_id}/logo', {
          params: { path: { lau2, publisher_id: id } },
          body: { content_type: contentType, size },
        }),
      ),
    settings: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/publishing-settings', { ...commune(lau2), ...fresh })),
    setSettings: (lau2, partnerApproval) =>
      outcomeOf(client.PUT('/api/v1/communes/{lau2}/publishing-settings', { ...commune(lau2), body: { partner_approval: partnerApproval } })),
    links: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/publisher-links', { ...commune(lau2), ...fresh })),
    issue: (lau2, request) => outcomeOf(client.POST('/api/v1/communes/{lau2}/publisher-links', { ...commune(lau2), body: request })),
    revoke: (lau2, id) =>
      outcomeOf(client.DELETE('/api/v1/communes/{lau2}/publisher-links/{link_id}', { params: { path: { lau2, link_id: id } } })),
    reviews: (lau2, status, language) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/announcement-reviews', {
          params: { path: { lau2 }, query: { status, language: language as 'fr' } },
          ...fresh,
        }),
      ),
    decide: (lau2, id, decision, reason) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/announcement-reviews/{announcement_id}', {
          params: { path: { lau2, announcement_id: id } },
          body: { decision, reason },
        }),
      ),
  };
}
