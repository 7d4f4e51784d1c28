import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { loadEveryCatalogue } from '../i18n/catalogues';
import { LOCALES } from '../i18n/locales';
import type { AuditApi, AuditEntry, AuditLogPage } from './audit-api';
import { AuditLog } from './audit-log.svelte';

const CATALOGUES = await loadEveryCatalogue();

const entry = (n: number): AuditEntry => ({
  at: `2026-12-0${n}T10:00:00Z`,
  action: 'residence_approved',
  by: { id: 'U1', name: 'Marie Weber' },
  subject_type: 'resident',
  subject_id: `R${n}`,
  reason: null,
});

function fakeApi(pages: Outcome<AuditLogPage>[]) {
  const cursors: (string | null | undefined)[] = [];
  const api: AuditApi = {
    page: async (_lau2, cursor) => {
      cursors.push(cursor);
      return pages.shift() ?? { ok: true, data: { entries: [], cursor: null } };
    },
  };
  return { api, cursors };
}

describe('AuditLog', () => {
  it('loads the newest page, then appends older ones by cursor and says where they start', async () => {
    const { api, cursors } = fakeApi([
      { ok: true, data: { entries: [entry(3), entry(2)], cursor: 'c1' } },
      { ok: true, data: { entries: [entry(1)], cursor: null } },
    ]);
    const log = new AuditLog(api, '0501');
    await log.load();
    expect(log.state).toBe('ready');
    expect(await log.older()).toBe(2);
    expect(cursors).toEqual([undefined, 'c1']);
    expect(log.entries.map((e) => e.subject_id)).toEqual(['R3', 'R2', 'R1']);
    expect(log.cursor).toBeNull();
    expect(await log.older()).toBe(-1);
  });

  it('hides itself from staff who are not the commune admins (403)', async () => {
    const { api } = fakeApi([{ ok: false, problem: problemFrom(403, { error: { code: 'forbidden', message: 'no' } }) }]);
    const log = new AuditLog(api, '0501');
    await log.load();
    expect(log.state).toBe('hidden');
  });

  it('keeps the entries it has when an older page fails, and shows why', async () => {
    const { api } = fakeApi([
      { ok: true, data: { entries: [entry(2)], cursor: 'c1' } },
      { ok: false, problem: problemFrom(400, { error: { code: 'invalid_input', message: 'bad', fields: { cursor: 'invalid' } } }) },
    ]);
    const log = new AuditLog(api, '0501');
    await log.load();
    expect(await log.older()).toBe(-1);
    expect(log.entries).toHaveLength(1);
    expect(log.problem).toMatchObject({ fields: { cursor: 'invalid' } });
  });

  it.each(LOCALES)('%s names every action and subject the API may send', (locale) => {
    const actions: AuditEntry['action'][] = [
      'residence_approved', 'residence_rejected', 'letters_printed', 'ambassador_appointed', 'ambassador_dismissed',
      'moderator_appointed', 'moderator_dismissed', 'publisher_registered', 'publisher_suspended', 'publisher_activated',
      'publishing_settings_changed', 'publisher_link_issued', 'publisher_link_revoked', 'announcement_approved',
      'announcement_rejected', 'announcement_withdrawn', 'consultation_published', 'neighbourhoods_published',
      'address_import_started', 'address_import_confirmed', 'commune_settings_changed', 'event_approved',
      'event_refused', 'event_withdrawn', 'call_approved', 'call_refused', 'call_withdrawn',
    ];
    const subjects: AuditEntry['subject_type'][] = [
      'resident', 'letter_batch', 'publisher', 'publisher_link', 'announcement', 'consultation', 'neighbourhoods',
      'address_import', 'commune', 'event', 'call',
    ];
    const catalogue = CATALOGUES[locale] as Record<string, string>;
    for (const action of actions) expect(catalogue[`audit.action.${action}`], action).toContain('{who}');
    for (const subject of subjects) expect(catalogue[`audit.subject.${subject}`], subject).toBeTruthy();
  });
});
