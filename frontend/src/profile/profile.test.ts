import { describe, expect, it } from 'vitest';
import { describeDevice } from './device';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { Profile } from '../session/session-api';
import { profile } from '../session/test-profile';
import { AccountDeletion, confirmationMatches } from './account-deletion.svelte';
import type { ProfileUpdate } from '../api/client';
import { type ContentChoice, type ProfileApi } from './profile-api';
import { ProfileEditor, SignedInDevices } from './profile.svelte';

function fakeProfileApi(answers: { update?: Outcome<Profile>; signOut?: Outcome<null>; remove?: Outcome<null> } = {}) {
  const calls = { updates: [] as ProfileUpdate[], deletes: [] as ContentChoice[] };
  const api: ProfileApi = {
    update: async (changes) => {
      calls.updates.push(changes);
      return answers.update ?? { ok: true, data: profile({ display_name: changes.display_name ?? '' }) };
    },
    sessions: async () => ({
      ok: true,
      data: {
        sessions: [
          { id: 'old', device: 'Firefox', created_at: '2026-01-01T00:00:00Z', last_seen_at: '2026-01-02T00:00:00Z', current: false },
          { id: 'new', device: 'Safari', created_at: '2026-02-01T00:00:00Z', last_seen_at: '2026-02-03T00:00:00Z', current: false },
          { id: 'here', device: 'Chromium', created_at: '2026-01-01T00:00:00Z', last_seen_at: '2026-01-01T00:00:00Z', current: true },
        ],
      },
    }),
    signOutEverywhere: async () => answers.signOut ?? { ok: true, data: null },
    deleteAccount: async (content) => {
      calls.deletes.push(content);
      return answers.remove ?? { ok: true, data: null };
    },
  };
  return { api, calls };
}

describe('ProfileEditor', () => {
  it('saves the trimmed name, languages and house-number choice', async () => {
    const { api, calls } = fakeProfileApi();
    const editor = new ProfileEditor(api, profile({ languages: ['lb', 'fr', 'it'] }));
    editor.displayName = '  Anna K. ';
    editor.toggleLanguage('fr', false);
    editor.toggleLanguage('pt', true);
    editor.showHouseNumber = true;
    expect(await editor.save()).toMatchObject({ display_name: 'Anna K.' });
    expect(calls.updates).toEqual([{ display_name: 'Anna K.', languages: ['lb', 'it', 'pt'], show_house_number: true }]);
    expect(editor.saved).toBe(true);
  });

  it('needs a name of at most 40 characters', async () => {
    const { api, calls } = fakeProfileApi();
    const editor = new ProfileEditor(api, profile());
    editor.displayName = ' ';
    await editor.save();
    expect(editor.nameError).toBe('missing');
    editor.displayName = 'x'.repeat(41);
    await editor.save();
    expect(editor.nameError).toBe('tooLong');
    expect(calls.updates).toEqual([]);
  });

  it('keeps the problem when saving failed', async () => {
    const editor = new ProfileEditor(fakeProfileApi({ update: { ok: false, problem: problemFrom(404, null) } }).api, profile());
    expect(await editor.save()).toBeNull();
    expect(editor.problem?.kind).toBe('notFound');
  });
});

describe('SignedInDevices', () => {
  it('lists this device first, then the most recently used', async () => {
    const devices = new SignedInDevices(fakeProfileApi().api);
    await devices.load();
    expect(devices.sessions.state === 'ready' && devices.sessions.value.map((s) => s.id)).toEqual(['here', 'new', 'old']);
  });

  it('signing out everywhere counts as done when the session is already gone', async () => {
    expect(await new SignedInDevices(fakeProfileApi({ signOut: { ok: false, problem: problemFrom(401, null) } }).api).signOutEverywhere()).toBe(true);
    const failing = new SignedInDevices(fakeProfileApi({ signOut: { ok: false, problem: problemFrom(0, null) } }).api);
    expect(await failing.signOutEverywhere()).toBe(false);
    expect(failing.problem?.kind).toBe('network');
  });
});

describe('AccountDeletion', () => {
  it('needs the content choice and the typed word before deleting', async () => {
    const { api, calls } = fakeProfileApi();
    const deletion = new AccountDeletion(api);
    deletion.open();
    expect(await deletion.confirm('läschen')).toBe(false);
    expect(deletion.contentMissing).toBe(true);
    expect(deletion.wrongConfirmation).toBe(true);
    deletion.content = 'anonymise';
    deletion.typed = 'delete';
    expect(await deletion.confirm('läschen')).toBe(false);
    deletion.typed = ' Läschen ';
    expect(await deletion.confirm('läschen')).toBe(true);
    expect(calls.deletes).toEqual(['anonymise']);
    expect(deletion.step).toBe('deleted');
  });

  it('keeps the form open with the problem when the API refused', async () => {
    const deletion = new AccountDeletion(fakeProfileApi({ remove: { ok: false, problem: problemFrom(500, null) } }).api);
    deletion.open();
    deletion.content = 'remove';
    deletion.typed = 'delete';
    expect(await deletion.confirm('delete')).toBe(false);
    expect(deletion.step).toBe('confirm');
    expect(deletion.problem?.kind).toBe('server');
  });

  it('never matches an empty word', () => {
    expect(confirmationMatches('', '')).toBe(false);
  });
});

describe('describeDevice', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36', 'Chrome · Linux'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', 'Safari · iOS'],
    ['Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0', 'Firefox · Android'],
    ['curl/8.5', 'curl/8.5'],
    ['', null],
  ])('%s → %s', (agent, expected) => {
    expect(describeDevice(agent)).toBe(expected);
  });
});
