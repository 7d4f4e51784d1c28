import type { Component } from 'svelte';
import type { ApiClient, Profile } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { Locale } from '../i18n/locales';
import type { MessageKey, PluralBase } from '../i18n/translate';
import type { AdminArea } from './admin-area.svelte';
import type { ImportState } from './admin-api';

export type StaffRole = Profile['staff'][number]['role'];

/** What waits for staff in a section, for the overview: a count, or the state of the last address import. */
export type Waiting =
  | { kind: 'count'; plural: PluralBase; count: number; more?: boolean }
  | { kind: 'import'; status: ImportState; at: string }
  | { kind: 'noImport' };

/** How many wait: the first page's length; `more` when the list goes on (shown as "50+"). */
export type Counted = number | { count: number; more: boolean };

/** The reads behind the overview's figures: each an existing list the section itself shows; tests pass a fake. */
export interface WaitingApi {
  pendingResidents(lau2: string): Promise<Outcome<Counted>>;
  pendingAnnouncements(lau2: string, language: Locale): Promise<Outcome<number>>;
  pendingEvents(lau2: string): Promise<Outcome<number>>;
  latestImport(lau2: string): Promise<Outcome<{ status: ImportState; created_at: string } | null>>;
}

export function httpWaitingApi(client: ApiClient): WaitingApi {
  const fresh = { cache: 'no-store' as const };
  const count = async <T>(call: Promise<Outcome<T>>, list: (data: T) => unknown[]): Promise<Outcome<number>> => {
    const outcome = await call;
    return outcome.ok ? { ok: true, data: list(outcome.data).length } : outcome;
  };
  return {
    pendingResidents: async (lau2) => {
      const outcome = await outcomeOf(
        client.GET('/api/v1/communes/{lau2}/verifications', { params: { path: { lau2 }, query: { status: 'pending' } }, ...fresh }),
      );
      return outcome.ok ? { ok: true, data: { count: outcome.data.residents.length, more: Boolean(outcome.data.cursor) } } : outcome;
    },
    pendingAnnouncements: (lau2, language) =>
      count(
        outcomeOf(
          client.GET('/api/v1/communes/{lau2}/announcement-reviews', {
            params: { path: { lau2 }, query: { status: 'pending', language } },
            ...fresh,
          }),
        ),
        (data) => data.announcements,
      ),
    pendingEvents: (lau2) =>
      count(
        outcomeOf(client.GET('/api/v1/communes/{lau2}/event-reviews', { params: { path: { lau2 }, query: { status: 'pending' } }, ...fresh })),
        (data) => data.reviews,
      ),
    latestImport: async (lau2) => {
      const outcome = await outcomeOf(client.GET('/api/v1/communes/{lau2}/address-imports', { params: { path: { lau2 } }, ...fresh }));
      return outcome.ok ? { ok: true, data: outcome.data.imports[0] ?? null } : outcome;
    },
  };
}

export type SectionProps = { area: AdminArea };

/**
 * One task of the commune's admin area, at its own address `/admin/<lau2>/<slug>`. Adding a section
 * (events, volunteering, the budget, the indicators…) is one entry in ADMIN_SECTIONS below.
 */
export interface AdminSection {
  slug: string;
  /** The section's heading. */
  title: MessageKey;
  /** Its short name in the navigation. */
  label: MessageKey;
  /** One line on the overview. */
  summary: MessageKey;
  /** The staff roles that open it: as chalicelib/policy.py's rule for the section's routes. */
  roles: readonly StaffRole[];
  load: () => Promise<{ default: Component<SectionProps> }>;
  /** What waits there, for the overview (left out: the section has nothing to count). */
  waiting?: (api: WaitingApi, lau2: string, language: Locale) => Promise<Outcome<Waiting>>;
}

const counted =
  (plural: PluralBase) =>
  (outcome: Outcome<Counted>): Outcome<Waiting> => {
    if (!outcome.ok) return outcome;
    const { count, more } = typeof outcome.data === 'number' ? { count: outcome.data, more: false } : outcome.data;
    return { ok: true, data: { kind: 'count', plural, count, more } };
  };

export const ADMIN_SECTIONS: readonly AdminSection[] = [
  {
    slug: 'verifications',
    title: 'verify.title',
    label: 'admin.nav.verifications',
    summary: 'admin.summary.verifications',
    roles: ['admin', 'verifier'],
    load: () => import('./sections/VerificationsSection.svelte'),
    waiting: async (api, lau2) => counted('admin.waiting.residents')(await api.pendingResidents(lau2)),
  },
  {
    slug: 'letters',
    title: 'letters.title',
    label: 'admin.nav.letters',
    summary: 'admin.summary.letters',
    roles: ['admin', 'verifier'],
    load: () => import('./sections/LettersSection.svelte'),
  },
  {
    slug: 'announcements',
    title: 'partners.approvalsTitle',
    label: 'admin.nav.announcements',
    summary: 'admin.summary.announcements',
    roles: ['admin', 'editor'],
    load: () => import('./sections/AnnouncementsSection.svelte'),
    waiting: async (api, lau2, language) => counted('admin.waiting.announcements')(await api.pendingAnnouncements(lau2, language)),
  },
  {
    slug: 'events',
    title: 'events.review.title',
    label: 'admin.nav.events',
    summary: 'admin.summary.events',
    roles: ['admin', 'editor'],
    load: () => import('./sections/EventReviewsSection.svelte'),
    waiting: async (api, lau2) => counted('admin.waiting.events')(await api.pendingEvents(lau2)),
  },
  {
    slug: 'calls',
    title: 'admin.calls.title',
    label: 'admin.nav.calls',
    summary: 'admin.summary.calls',
    roles: ['admin', 'editor'],
    load: () => import('./sections/CallReviewsSection.svelte'),
  },
  {
    slug: 'budget',
    title: 'budget.admin.title',
    label: 'budget.admin.nav',
    summary: 'budget.admin.summary',
    roles: ['admin'],
    load: () => import('../budget/BudgetAdminSection.svelte'),
  },
  {
    slug: 'addresses',
    title: 'import.title',
    label: 'admin.nav.addresses',
    summary: 'admin.summary.addresses',
    roles: ['admin'],
    load: () => import('./sections/AddressesSection.svelte'),
    waiting: async (api, lau2) => {
      const outcome = await api.latestImport(lau2);
      if (!outcome.ok) return outcome;
      const last = outcome.data;
      return { ok: true, data: last ? { kind: 'import', status: last.status, at: last.created_at } : { kind: 'noImport' } };
    },
  },
  {
    slug: 'neighbourhoods',
    title: 'draft.title',
    label: 'admin.nav.neighbourhoods',
    summary: 'admin.summary.neighbourhoods',
    roles: ['admin'],
    load: () => import('./sections/NeighbourhoodsSection.svelte'),
  },
  {
    slug: 'indicators',
    title: 'indicators.title',
    label: 'indicators.nav',
    summary: 'indicators.summary',
    roles: ['admin', 'editor'],
    load: () => import('./sections/IndicatorsSection.svelte'),
  },
  {
    slug: 'consultations',
    title: 'consultation.admin.title',
    label: 'admin.nav.consultations',
    summary: 'admin.summary.consultations',
    roles: ['admin', 'editor'],
    load: () => import('./sections/ConsultationsSection.svelte'),
  },
  {
    slug: 'publishers',
    title: 'partners.title',
    label: 'admin.nav.publishers',
    summary: 'admin.summary.publishers',
    roles: ['admin'],
    load: () => import('./sections/PublishersSection.svelte'),
  },
  {
    slug: 'launch',
    title: 'launch.title',
    label: 'admin.nav.launch',
    summary: 'admin.summary.launch',
    roles: ['admin', 'editor', 'verifier'],
    load: () => import('./sections/LaunchSection.svelte'),
  },
  {
    slug: 'digest',
    title: 'admin.digest.title',
    label: 'admin.nav.digest',
    summary: 'admin.summary.digest',
    roles: ['admin'],
    load: () => import('./sections/DigestSection.svelte'),
  },
  {
    slug: 'roles',
    title: 'roles.title',
    label: 'admin.nav.roles',
    summary: 'admin.summary.roles',
    roles: ['admin'],
    load: () => import('./sections/RolesSection.svelte'),
  },
  {
    slug: 'settings',
    title: 'communeSettings.title',
    label: 'admin.nav.settings',
    summary: 'admin.summary.settings',
    roles: ['admin'],
    load: () => import('./sections/SettingsSection.svelte'),
  },
  {
    slug: 'audit',
    title: 'audit.title',
    label: 'admin.nav.audit',
    summary: 'admin.summary.audit',
    roles: ['admin'],
    load: () => import('./sections/AuditSection.svelte'),
  },
];

/** The roles `profile` holds as staff of `lau2`. */
export function staffRolesIn(profile: Pick<Profile, 'staff'>, lau2: string): StaffRole[] {
  return profile.staff.filter((grant) => grant.lau2 === lau2).map((grant) => grant.role);
}

/** The sections these roles open, in the navigation's order. */
export function sectionsFor(roles: readonly StaffRole[], sections: readonly AdminSection[] = ADMIN_SECTIONS): AdminSection[] {
  return sections.filter((section) => section.roles.some((role) => roles.includes(role)));
}

/** The section a path's slug names, among those open to the reader; null for the overview or none. */
export function openSection(slug: string, open: readonly AdminSection[]): AdminSection | null {
  return open.find((section) => section.slug === slug) ?? null;
}

/** A section's address; the overview's with no slug. */
export function adminPath(lau2: string, slug = ''): string {
  return `/admin/${encodeURIComponent(lau2)}${slug ? `/${slug}` : ''}`;
}
