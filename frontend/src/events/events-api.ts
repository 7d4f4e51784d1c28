import type { ApiClient, Member } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { httpCommentsApi, type CommentsApi, type ReportReason } from '../comments/comments-api';
import type { PhotoUploadApi } from '../lib/photo-upload.svelte';
import { neighbourhoodMembers } from '../neighbourhood/members';

type Schemas = components['schemas'];
export type NeighbourhoodEvent = Schemas['EventPublic'];
export type EventCreate = Schemas['EventCreate'];
export type EventUpdate = Schemas['EventUpdate'];
export type Occurrence = Schemas['Occurrence'];
export type Answers = Schemas['Answers'];
export type AnswerKind = Schemas['AnswerRequest']['answer'];
export type EventCategory = NeighbourhoodEvent['category'];
export type CalendarFeed = Schemas['CalendarFeed'];
export type CalendarFeedCreated = Schemas['CalendarFeedCreated'];
export type CommuneReview = Schemas['EventReview'];
export type Reminder = Schemas['ReminderPublic'];
export type ReviewState = Schemas['ReviewState'];
export type MyEvents = Schemas['MyEvents'];
export type { Member, ReportReason };

export const CATEGORIES: readonly EventCategory[] = [
  'flea_market', 'party', 'meeting', 'walk_sport', 'repair_cafe', 'children', 'culture', 'cleaning_day', 'other',
];

/** The calls of the events screens, an event's comments among them; tests pass a fake. */
export interface EventsApi extends CommentsApi, PhotoUploadApi {
  /** Every occurrence in the window (all its pages). */
  calendar(neighbourhoodId: string, from: string, to: string): Promise<Outcome<{ occurrences: Occurrence[] }>>;
  event(eventId: string): Promise<Outcome<NeighbourhoodEvent>>;
  organise(neighbourhoodId: string, body: EventCreate): Promise<Outcome<NeighbourhoodEvent>>;
  /** Only the fields given change (null clears an optional one). */
  change(eventId: string, change: Partial<EventUpdate>): Promise<Outcome<NeighbourhoodEvent>>;
  cancel(eventId: string): Promise<Outcome<NeighbourhoodEvent>>;
  cancelOccurrence(eventId: string, occurrenceId: string): Promise<Outcome<NeighbourhoodEvent>>;
  moveOccurrence(eventId: string, occurrenceId: string, start: string, end: string): Promise<Outcome<NeighbourhoodEvent>>;
  answers(eventId: string, occurrenceId: string): Promise<Outcome<Answers>>;
  answer(eventId: string, occurrenceId: string, answer: AnswerKind, extra: number, showName: boolean): Promise<Outcome<Answers>>;
  members(neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>>;
  reportEvent(eventId: string, reason: ReportReason, text: string | null): Promise<Outcome<unknown>>;
  /** An organiser asks the commune's staff to show the event to every neighbourhood. */
  askWholeCommune(eventId: string): Promise<Outcome<CommuneReview>>;
  /** An organiser's one reminder to those going to an occurrence, sent the day before. */
  remind(eventId: string, occurrenceId: string, note: string): Promise<Outcome<Reminder>>;
  /** The events I organise and the occurrences I answered: the agenda's "my events" filter, asked when chosen. */
  myEvents(): Promise<Outcome<MyEvents>>;
}

/** The address of an event's iCalendar file ("add to my calendar"). */
export const eventIcsPath = (eventId: string): string => `/api/v1/events/${encodeURIComponent(eventId)}/calendar.ics`;

/** My personal calendar feeds (profile): their URL is a secret shown once, revocable like a session. */
export interface CalendarFeedsApi {
  feeds(): Promise<Outcome<{ feeds: CalendarFeed[] }>>;
  createFeed(): Promise<Outcome<CalendarFeedCreated>>;
  revokeFeed(feedId: string): Promise<Outcome<null>>;
}

export function httpCalendarFeedsApi(client: ApiClient): CalendarFeedsApi {
  return {
    feeds: () => outcomeOf(client.GET('/api/v1/me/calendar-feeds', { cache: 'no-store' })),
    createFeed: () => outcomeOf(client.POST('/api/v1/me/calendar-feeds')),
    revokeFeed: (id) => emptyOutcomeOf(client.DELETE('/api/v1/me/calendar-feeds/{feed_id}', { params: { path: { feed_id: id } } })),
  };
}

export function httpEventsApi(client: ApiClient): EventsApi {
  const fresh = { cache: 'no-store' as const };
  const event = (id: string) => ({ path: { event_id: id } });
  const occurrence = (id: string, occurrenceId: string) => ({ path: { event_id: id, occurrence_id: occurrenceId } });
  return {
    ...httpCommentsApi(client, 'event'),
    async calendar(id, from, to) {
      const occurrences: Occurrence[] = [];
      let cursor: string | null = null;
      do {
        const query: { from: string; to: string; cursor?: string } = cursor ? { from, to, cursor } : { from, to };
        const page = await outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/events', {
          params: { path: { neighbourhood_id: id }, query }, ...fresh,
        }));
        if (!page.ok) return page;
        occurrences.push(...page.data.occurrences);
        cursor = page.data.cursor ?? null;
      } while (cursor);
      return { ok: true, data: { occurrences } };
    },
    event: (id) => outcomeOf(client.GET('/api/v1/events/{event_id}', { params: event(id), ...fresh })),
    organise: (id, body) => outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/events', { params: { path: { neighbourhood_id: id } }, body })),
    // The generated type lists every field; the API changes only those sent.
    change: (id, body) => outcomeOf(client.PATCH('/api/v1/events/{event_id}', { params: event(id), body: body as EventUpdate })),
    cancel: (id) => outcomeOf(client.POST('/api/v1/events/{event_id}/cancel', { params: event(id) })),
    cancelOccurrence: (id, occ) => outcomeOf(client.POST('/api/v1/events/{event_id}/occurrences/{occurrence_id}/cancel', { params: occurrence(id, occ) })),
    moveOccurrence: (id, occ, start, end) =>
      outcomeOf(client.POST('/api/v1/events/{event_id}/occurrences/{occurrence_id}/move', { params: occurrence(id, occ), body: { start, end } })),
    answers: (id, occ) => outcomeOf(client.GET('/api/v1/events/{event_id}/occurrences/{occurrence_id}/answers', { params: occurrence(id, occ), ...fresh })),
    answer: (id, occ, answer, extra, showName) =>
      outcomeOf(
        client.PUT('/api/v1/events/{event_id}/occurrences/{occurrence_id}/answer', {
          params: occurrence(id, occ),
          body: { answer, extra, show_name: showName },
        }),
      ),
    members: (id) => neighbourhoodMembers(client, id),
    reportEvent: (id, reason, text) =>
      outcomeOf(client.POST('/api/v1/events/{event_id}/reports', { params: event(id), body: { reason, text: text || null } })),
    askWholeCommune: (id) => outcomeOf(client.POST('/api/v1/events/{event_id}/whole-commune', { params: event(id) })),
    startUpload: (contentType, size) => outcomeOf(client.POST('/api/v1/uploads', { body: { purpose: 'event', content_type: contentType, size } })),
    photo: (id) => outcomeOf(client.GET('/api/v1/photos/{photo_id}', { params: { path: { photo_id: id } }, ...fresh })),
    remind: (id, occ, note) =>
      outcomeOf(client.POST('/api/v1/events/{event_id}/occurrences/{occurrence_id}/reminder', { params: occurrence(id, occ), body: { note } })),
    myEvents: () => outcomeOf(client.GET('/api/v1/me/events', fresh)),
  };
}
