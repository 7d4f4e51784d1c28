import { describe, expect, it } from 'vitest';
import { loadEveryCatalogue } from '../i18n/catalogues';
import { LOCALES } from '../i18n/locales';
import { matchRoute } from '../router/routes';
import { ADMIN_SECTIONS, adminPath, openSection, sectionsFor, staffRolesIn, type WaitingApi } from './sections';

const CATALOGUES = await loadEveryCatalogue();

const waiting = (over: Partial<WaitingApi> = {}): WaitingApi => ({
  pendingResidents: async () => ({ ok: true, data: 3 }),
  pendingAnnouncements: async () => ({ ok: true, data: 1 }),
  pendingEvents: async () => ({ ok: true, data: 2 }),
  latestImport: async () => ({ ok: true, data: { status: 'done', created_at: '2026-12-01T09:00:00Z' } }),
  ...over,
});

describe('the admin sections', () => {
  it('each has its own address, which the router reads back as that section', () => {
    const slugs = ADMIN_SECTIONS.map((section) => section.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) {
      expect(matchRoute(adminPath('0501', slug))).toEqual({ name: 'admin', lau2: '0501', section: slug });
    }
    expect(matchRoute(adminPath('0501'))).toEqual({ name: 'admin', lau2: '0501', section: '' });
  });

  it.each(LOCALES)('names every section, its link and its summary in %s', (locale) => {
    for (const section of ADMIN_SECTIONS) {
      for (const key of [section.title, section.label, section.summary]) expect(CATALOGUES[locale][key], `${locale} ${key}`).toBeTruthy();
    }
  });

  it('opens to each role only the sections the policy lets it use', () => {
    const slugs = (roles: Parameters<typeof sectionsFor>[0]) => sectionsFor(roles).map((section) => section.slug);
    expect(slugs(['admin'])).toEqual(ADMIN_SECTIONS.map((section) => section.slug));
    expect(slugs(['verifier'])).toEqual(['verifications', 'letters', 'launch']);
    expect(slugs(['editor'])).toEqual(['announcements', 'events', 'calls', 'indicators', 'consultations', 'launch']);
    expect(slugs(['editor', 'verifier'])).toEqual(['verifications', 'letters', 'announcements', 'events', 'calls', 'indicators', 'consultations', 'launch']);
    expect(slugs([])).toEqual([]);
  });

  it('reads the roles a person holds in this commune only', () => {
    const profile = { staff: [{ lau2: '0501', role: 'verifier' as const }, { lau2: '0502', role: 'admin' as const }] };
    expect(staffRolesIn(profile, '0501')).toEqual(['verifier']);
    expect(staffRolesIn(profile, '0999')).toEqual([]);
  });

  it('finds a section by its slug among the open ones, and none for the overview or a closed one', () => {
    const open = sectionsFor(['verifier']);
    expect(openSection('letters', open)?.title).toBe('letters.title');
    expect(openSection('', open)).toBeNull();
    expect(openSection('roles', open)).toBeNull();
    expect(openSection('nonsense', open)).toBeNull();
  });

  it('tells the overview what waits: residents, announcements, the last address import', async () => {
    const of = (slug: string) => ADMIN_SECTIONS.find((section) => section.slug === slug)!;
    expect(await of('verifications').waiting!(waiting(), '0501', 'en')).toEqual({
      ok: true,
      data: { kind: 'count', plural: 'admin.waiting.residents', count: 3, more: false },
    });
    const longList = waiting({ pendingResidents: async () => ({ ok: true, data: { count: 50, more: true } }) });
    expect(await of('verifications').waiting!(longList, '0501', 'en')).toEqual({
      ok: true,
      data: { kind: 'count', plural: 'admin.waiting.residents', count: 50, more: true },
    });
    expect(await of('announcements').waiting!(waiting(), '0501', 'fr')).toEqual({
      ok: true,
      data: { kind: 'count', plural: 'admin.waiting.announcements', count: 1, more: false },
    });
    expect(await of('events').waiting!(waiting(), '0501', 'en')).toEqual({
      ok: true,
      data: { kind: 'count', plural: 'admin.waiting.events', count: 2, more: false },
    });
    expect(await of('addresses').waiting!(waiting(), '0501', 'en')).toEqual({
      ok: true,
      data: { kind: 'import', status: 'done', at: '2026-12-01T09:00:00Z' },
    });
    expect(await of('addresses').waiting!(waiting({ latestImport: async () => ({ ok: true, data: null }) }), '0501', 'en')).toEqual({
      ok: true,
      data: { kind: 'noImport' },
    });
    const refused = { ok: false as const, problem: { status: 403, code: 'forbidden', message: 'no', fields: {}, kind: 'forbidden' as const } };
    expect(await of('verifications').waiting!(waiting({ pendingResidents: async () => refused }), '0501', 'en')).toEqual(refused);
  });

  it('says the state of every address import in every language', () => {
    for (const locale of LOCALES) {
      for (const status of ['waiting', 'running', 'needs_confirmation', 'done', 'failed'] as const) {
        expect(CATALOGUES[locale][`admin.import.${status}`], `${locale} ${status}`).toBeTruthy();
      }
    }
  });
});
