import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { PublishApi, PublishContext, PublishedEvent } from './publish-api';
import { PublisherEvents } from './publisher-events.svelte';

const CONTEXT = {
  lau2: '0501', commune_name: 'Clervaux', commune_languages: ['fr'], publisher_name: 'Jugendhaus', publisher_kind: 'partner',
  whole_commune: false, neighbourhoods: [{ id: '0501-n1', name: 'Centre' }], categories: ['event'], expires_at: '2027-01-01T00:00:00Z',
  needs_approval: true, max_attachment_bytes: 1000,
} as PublishContext;

const event = (id: string, change: Partial<PublishedEvent> = {}): PublishedEvent =>
  ({
    id, title: `Event ${id}`, description: '', category: 'party', start: '2027-07-04T20:00:00+02:00', end: '2027-07-04T22:00:00+02:00',
    place: null, address_id: null, address: null, capacity: null, reach: 'neighbourhood', rrule: null, organisers: [], photo_id: null,
    status: 'scheduled', review: 'published', ...change,
  }) as PublishedEvent;

function fakeApi(answers: { publish?: PublishedEvent; refuse?: boolean } = {}) {
  const calls: unknown[][] = [];
  const api: PublishApi = {
    context: async () => ({ ok: true, data: CONTEXT }),
    startAttachment: async () => { throw new Error('no'); },
    startUpload: async () => { throw new Error('no'); },
    photo: async () => { throw new Error('no'); },
    attachment: async () => { throw new Error('no'); },
    publish: async () => { throw new Error('no'); },
    events: async () => ({ ok: true, data: { events: [event('E1')] } }),
    publishEvent: async (request) => {
      calls.push(['publish', request]);
      if (answers.refuse) return { ok: false, problem: problemFrom(400, { error: { code: 'invalid', message: 'Bad', fields: { 'target.neighbourhoods': 'choose one' } } }) };
      return { ok: true, data: answers.publish ?? event('E2', { title: 'Youth night', review: 'pending' }) };
    },
    changeEvent: async (id, change) => {
      calls.push(['change', id, change]);
      return { ok: true, data: event(id, { title: 'Moved indoors' }) };
    },
    cancelEvent: async (id) => {
      calls.push(['cancel', id]);
      return { ok: true, data: event(id, { status: 'cancelled' }) };
    },
  };
  return { api, calls };
}

const fill = (store: PublisherEvents) => {
  Object.assign(store.fields, { title: ' Youth night ', category: 'party', start: '2027-07-04T20:00', end: '2027-07-04T22:00', addressId: 'A-1', photoId: 'P1' });
};

describe("a publisher's events", () => {
  it('starts on the link\'s only neighbourhood and sends the resident\'s event fields with the target and public', async () => {
    const { api, calls } = fakeApi();
    const store = new PublisherEvents(api, CONTEXT);
    await store.load();
    expect(store.events.map((e) => e.id)).toEqual(['E1']);
    expect([store.targetKind, store.chosen]).toEqual(['neighbourhoods', ['0501-n1']]);
    fill(store);
    store.isPublic = true;
    await store.submit();
    expect(calls[0]?.[1]).toMatchObject({
      title: 'Youth night', address_id: 'A-1', co_organisers: [], reach: 'neighbourhood', photo_id: 'P1', public: true,
      target: { kind: 'neighbourhoods', neighbourhoods: ['0501-n1'], circle: null },
    });
    // A partner's waits for the commune: said so, listed first, and the form starts afresh
    expect(store.news).toEqual({ kind: 'pending', title: 'Youth night' });
    expect(store.events.map((e) => e.id)).toEqual(['E2', 'E1']);
    expect([store.fields.title, store.isPublic]).toEqual(['', false]);
  });

  it('keeps the form and the API\'s problem when refused', async () => {
    const { api } = fakeApi({ refuse: true });
    const store = new PublisherEvents(api, CONTEXT);
    fill(store);
    await store.submit();
    expect(store.problem?.fields).toEqual({ 'target.neighbourhoods': 'choose one' });
    expect(store.fields.title).toBe(' Youth night ');
  });

  it('changes an event without its target (the point only when chosen again) and cancels one', async () => {
    const { api, calls } = fakeApi();
    const store = new PublisherEvents(api, CONTEXT);
    await store.load();
    store.startEditing(store.events[0] as PublishedEvent);
    expect(store.fields.title).toBe('Event E1');
    await store.submit();
    const change = calls[0]?.[2] as Record<string, unknown>;
    expect(calls[0]?.slice(0, 2)).toEqual(['change', 'E1']);
    expect(['target', 'public', 'point', 'co_organisers', 'reach'].filter((name) => name in change)).toEqual([]);
    expect(change['photo_id']).toBeNull(); // the photo it has (none here), sent again
    expect(store.events[0]?.title).toBe('Moved indoors');
    expect(store.editing).toBeNull();
    await store.cancel(store.events[0] as PublishedEvent);
    expect(store.events[0]?.status).toBe('cancelled');
    expect(store.news).toEqual({ kind: 'cancelled', title: 'Moved indoors' });
  });
});
