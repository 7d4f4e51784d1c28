import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { IssuedLink, PublishingApi, ReviewedAnnouncement } from './publishing-api';
import { Approvals, PublisherLinks, Publishers } from './publishing.svelte';

const LINK: IssuedLink = {
  id: 'L1', publisher_id: 'P1', publisher_name: 'Club', label: '', neighbourhoods: null, categories: ['event'],
  expires_at: '2027-01-01T00:00:00Z', created_at: '2026-01-01T00:00:00Z', revoked_at: null, status: 'active',
  token: 'a.b', url: 'http://localhost:8080/publish#a.b',
};

function fakeApi(overrides: Partial<PublishingApi> = {}): PublishingApi {
  return {
    publishers: async () => ({ ok: true, data: { publishers: [] } }),
    register: async (_lau2, request) => ({ ok: true, data: { id: 'P1', status: 'active', logo_url: null, created_at: '', ...request } as never }),
    setStatus: async () => ({ ok: false, problem: problemFrom(404, null) }),
    startLogo: async () => ({ ok: false, problem: problemFrom(500, null) }),
    settings: async () => ({ ok: true, data: { partner_approval: false } }),
    setSettings: async (_l, value) => ({ ok: true, data: { partner_approval: value } }),
    links: async () => ({ ok: true, data: { links: [] } }),
    issue: async () => ({ ok: true, data: LINK }),
    revoke: async () => ({ ok: true, data: { ...LINK, status: 'revoked' } }),
    reviews: async (_lau2, status) => ({
      ok: true,
      data: { announcements: status === 'pending' ? [{ id: 'A1', title: 'Fair' } as ReviewedAnnouncement] : [] },
    }),
    decide: async () => ({ ok: true, data: { id: 'A1', title: 'Fair', status: 'published' } as ReviewedAnnouncement }),
    ...overrides,
  };
}

describe('publishing admin', () => {
  it('registers a partner and reads the approval setting', async () => {
    const publishers = new Publishers(fakeApi(), '0501');
    await publishers.load();
    expect(publishers.partnerApproval).toBe(false);

    const done = await publishers.register({ kind: 'partner', name: 'Club', purpose: 'Sport', contact: 'c@club.lu', non_commercial: true });

    expect(done).toBe(true);
    expect(publishers.list.map((p) => p.name)).toEqual(['Club']);
  });

  it('shows an issued link once, lists it without its token, and revokes it', async () => {
    const links = new PublisherLinks(fakeApi(), '0501');
    await links.issue({ publisher_id: 'P1', neighbourhoods: null, categories: ['event'], expires_in_days: 30, label: '' });

    expect(links.issued?.url).toContain('/publish#');
    expect(links.list[0]).not.toHaveProperty('token');
    links.dismiss();
    expect(links.issued).toBeNull();
    await links.revoke('L1');
    expect(links.list[0]?.status).toBe('revoked');
  });

  it('takes an approved announcement out of the queue', async () => {
    const approvals = new Approvals(fakeApi(), '0501');
    await approvals.load('fr');
    await approvals.decide('A1', 'approve');

    expect(approvals.pending).toEqual([]);
    expect(approvals.published.map((a) => a.id)).toEqual(['A1']);
    expect(approvals.decided).toEqual({ title: 'Fair', decision: 'approve' });
  });
});
