import { createApiClient, type ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import type { PhotoUploadApi } from '../lib/photo-upload.svelte';

type Schemas = components['schemas'];
export type PublishContext = Schemas['PublishContext'];
export type AnnouncementRequest = Schemas['AnnouncementRequest'];
export type AnnouncementPublic = Schemas['AnnouncementPublic'];
export type AttachmentStarted = Schemas['AttachmentStarted'];
export type AttachmentState = Schemas['AttachmentState'];
export type AttachmentType = Schemas['AttachmentRequest']['content_type'];
export type Category = PublishContext['categories'][number];
export type PublisherEventRequest = Schemas['PublisherEventRequest'];
export type PublisherEventUpdate = Schemas['PublisherEventUpdate'];
export type PublishedEvent = Schemas['PublishedEvent'];

/** The publishing routes, called by the bearer of a publisher link; tests pass a fake. Photos are its events'. */
export interface PublishApi extends PhotoUploadApi {
  context(): Promise<Outcome<PublishContext>>;
  startAttachment(name: string, contentType: AttachmentType, size: number): Promise<Outcome<AttachmentStarted>>;
  attachment(id: string): Promise<Outcome<AttachmentState>>;
  publish(request: AnnouncementRequest): Promise<Outcome<AnnouncementPublic>>;
  /** The link's publisher's events, newest first. */
  events(): Promise<Outcome<{ events: PublishedEvent[] }>>;
  publishEvent(request: PublisherEventRequest): Promise<Outcome<PublishedEvent>>;
  /** Only the fields given change. */
  changeEvent(eventId: string, change: Partial<PublisherEventUpdate>): Promise<Outcome<PublishedEvent>>;
  cancelEvent(eventId: string): Promise<Outcome<PublishedEvent>>;
}

/** A client whose every request carries the link in the X-Publisher-Link header (never a cookie). */
export function linkClient(token: string): ApiClient {
  const client = createApiClient();
  client.use({
    onRequest({ request }) {
      request.headers.set('X-Publisher-Link', token);
      return request;
    },
  });
  return client;
}

export function httpPublishApi(client: ApiClient): PublishApi {
  const fresh = { cache: 'no-store' as const };
  return {
    context: () => outcomeOf(client.GET('/api/v1/publish', fresh)),
    startAttachment: (name, contentType, size) =>
      outcomeOf(client.POST('/api/v1/publish/attachments', { body: { name, content_type: contentType, size } })),
    attachment: (id) =>
      outcomeOf(client.GET('/api/v1/publish/attachments/{attachment_id}', { params: { path: { attachment_id: id } }, ...fresh })),
    publish: (request) => outcomeOf(client.POST('/api/v1/publish/announcements', { body: request })),
    startUpload: (contentType, size) => outcomeOf(client.POST('/api/v1/publish/photos', { body: { purpose: 'event', content_type: contentType, size } })),
    photo: (id) => outcomeOf(client.GET('/api/v1/publish/photos/{photo_id}', { params: { path: { photo_id: id } }, ...fresh })),
    events: () => outcomeOf(client.GET('/api/v1/publish/events', fresh)),
    publishEvent: (request) => outcomeOf(client.POST('/api/v1/publish/events', { body: request })),
    changeEvent: (id, change) =>
      outcomeOf(client.PATCH('/api/v1/publish/events/{event_id}', { params: { path: { event_id: id } }, body: change as PublisherEventUpdate })),
    cancelEvent: (id) => outcomeOf(client.POST('/api/v1/publish/events/{event_id}/cancel', { params: { path: { event_id: id } } })),
  };
}

const TOKEN_KEY = 'noper.publisherLink';
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The link's token: from the URL fragment (`/publish#<token>`), which browsers never send to a
 * server, kept for this tab in sessionStorage and then removed from the address bar, so it does not
 * linger on screen or in shared screenshots; a reload finds it again in sessionStorage.
 */
export function takeToken(location: { hash: string }, storage: Pick<Storage, 'getItem' | 'setItem'> | undefined,
  clearHash: () => void): string | null {
  const fromHash = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  if (fromHash) {
    storage?.setItem(TOKEN_KEY, fromHash);
    clearHash();
    return fromHash;
  }
  return storage?.getItem(TOKEN_KEY) ?? null;
}

export const looksLikeToken = (token: string): boolean => TOKEN.test(token);

const TYPES: Record<string, AttachmentType> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/** The type to declare for a chosen file (the server checks the real one from its bytes), or null. */
export function attachmentType(file: { name: string; type: string }): AttachmentType | null {
  const declared = Object.values(TYPES).find((type) => type === file.type);
  if (declared) return declared;
  const extension = file.name.toLowerCase().split('.').pop() ?? '';
  return TYPES[extension] ?? null;
}
