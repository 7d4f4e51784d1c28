import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { NotificationSettings } from './notification-settings.svelte';
import {
  httpNotificationsApi,
  type NotificationChanges,
  type NotificationChoices,
  type NotificationsApi,
} from './notifications-api';

const ALL_ON: NotificationChoices = {
  digest: true,
  alert_lost_pet: true,
  alert_emergency: true,
  loan_reminders: true,
  messages: true,
  events: true,
  volunteering: true,
  digest_skip_when_read: true,
};

function fakeApi(answers: { load?: Outcome<NotificationChoices>; save?: Outcome<NotificationChoices> } = {}) {
  const saved: NotificationChanges[] = [];
  let stored = { ...ALL_ON };
  const api: NotificationsApi = {
    load: async () => answers.load ?? { ok: true, data: stored },
    save: async (changes) => {
      saved.push(changes);
      if (answers.save) return answers.save;
      stored = { ...stored, ...(changes as Partial<NotificationChoices>) };
      return { ok: true, data: stored };
    },
  };
  return { api, saved };
}

describe('NotificationSettings', () => {
  it('loads the choices', async () => {
    const settings = new NotificationSettings(fakeApi().api);
    expect(settings.choices.state).toBe('loading');
    await settings.load();
    expect(settings.choices).toEqual({ state: 'ready', value: ALL_ON });
  });

  it('saves one topic at a time and says which was saved', async () => {
    const { api, saved } = fakeApi();
    const settings = new NotificationSettings(api);
    await settings.load();
    expect(await settings.change('alert_lost_pet', false)).toBe(true);
    expect(saved).toEqual([{ alert_lost_pet: false }]);
    expect(settings.choices).toEqual({ state: 'ready', value: { ...ALL_ON, alert_lost_pet: false } });
    expect(settings.saved).toBe('alert_lost_pet');
  });

  it('puts a refused change back and shows the problem', async () => {
    const problem = problemFrom(401, { error: { code: 'not_signed_in', message: 'Sign in.', fields: {} } });
    const { api } = fakeApi({ save: { ok: false, problem } });
    const settings = new NotificationSettings(api);
    await settings.load();
    expect(await settings.change('digest', false)).toBe(false);
    expect(settings.choices).toEqual({ state: 'ready', value: ALL_ON });
    expect(settings.problem?.kind).toBe('signedOut');
    expect(settings.saved).toBeNull();
  });

  it('does not save before the choices are loaded', async () => {
    const { api, saved } = fakeApi();
    const settings = new NotificationSettings(api);
    expect(await settings.change('digest', false)).toBe(false);
    expect(saved).toEqual([]);
  });

  it('shows why the choices could not be loaded', async () => {
    const problem = problemFrom(500, { error: { code: 'internal', message: 'Oops.', fields: {} } });
    const settings = new NotificationSettings(fakeApi({ load: { ok: false, problem } }).api);
    await settings.load();
    expect(settings.choices.state).toBe('failed');
  });
});

describe('httpNotificationsApi', () => {
  it('reads and changes one topic, the others sent as null (unchanged)', async () => {
    const requests: string[] = [];
    const fetchFn = (async (input: RequestInfo | URL) => {
      const request = input as Request;
      requests.push(`${request.method} ${new URL(request.url).pathname} ${await request.text()}`);
      return new Response(JSON.stringify(ALL_ON), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
    const api = httpNotificationsApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn }));
    expect(await api.load()).toEqual({ ok: true, data: ALL_ON });
    await api.save({ messages: false });
    expect(requests).toEqual([
      'GET /api/v1/me/notifications ',
      'PUT /api/v1/me/notifications {"digest":null,"alert_lost_pet":null,"alert_emergency":null,"loan_reminders":null,"messages":false,"events":null,"volunteering":null,"digest_skip_when_read":null}',
    ]);
  });
});
