import { describe, expect, it } from 'vitest';
import { ADMIN_SECTIONS, sectionsFor } from './sections';
import { CallReviews, type CallReview } from './call-reviews';
import type { ReviewsApi } from './event-reviews.svelte';

const review = (id: string, status: CallReview['status'] = 'pending') => ({ call_id: id, title: `Flea market ${id}`, status }) as CallReview;

function fakeApi(): ReviewsApi<CallReview> & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    reviews: async (_lau2, status) => ({ ok: true, data: { reviews: status === 'pending' ? [review('C1'), review('C2')] : [] } }),
    decide: async (lau2, id, decision, reason) => {
      sent.push({ lau2, id, decision, reason });
      return { ok: true, data: { ...review(id), status: decision === 'approve' ? 'approved' : 'refused' } };
    },
  };
}

describe('calls to approve', () => {
  it('is one section for admins and editors, not verifiers', () => {
    const calls = ADMIN_SECTIONS.filter((section) => section.slug === 'calls');
    expect(calls).toHaveLength(1);
    expect(sectionsFor(['editor']).map((s) => s.slug)).toContain('calls');
    expect(sectionsFor(['verifier']).map((s) => s.slug)).not.toContain('calls');
  });

  it('approves a pending call by its id and takes it off the list', async () => {
    const api = fakeApi();
    const queue = new CallReviews(api, '0501');
    await queue.load();
    expect(queue.reviews.map((r) => r.call_id)).toEqual(['C1', 'C2']);
    expect(await queue.decide('C1', 'approve')).toBe(true);
    expect(api.sent).toEqual([{ lau2: '0501', id: 'C1', decision: 'approve', reason: '' }]);
    expect(queue.reviews.map((r) => r.call_id)).toEqual(['C2']);
    expect(queue.decided).toEqual({ title: 'Flea market C1', decision: 'approve' });
  });

  it('asks for a reason before refusing', async () => {
    const api = fakeApi();
    const queue = new CallReviews(api, '0501');
    await queue.load();
    expect(await queue.decide('C2', 'refuse', '  ')).toBe(false);
    expect(queue.reasonMissing).toBe('C2');
    expect(api.sent).toEqual([]);
    expect(await queue.decide('C2', 'refuse', 'Not volunteering')).toBe(true);
    expect(queue.reviews.map((r) => r.call_id)).toEqual(['C1']);
  });
});
