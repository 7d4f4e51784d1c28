import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import { decisionsFor, EventReviews, needsReason, type EventReview, type EventReviewsApi } from './event-reviews.svelte';

const review = (id: string, status: EventReview['status'] = 'pending') => ({ event_id: id, title: `Fair ${id}`, status }) as EventReview;

function fakeApi(overrides: Partial<EventReviewsApi> = {}): EventReviewsApi & { sent: unknown[] } {
  const sent: unknown[] = [];
  return {
    sent,
    reviews: async (_lau2, status) => ({ ok: true, data: { reviews: status === 'pending' ? [review('E1'), review('E2')] : [review('E3', status)] } }),
    decide: async (lau2, id, decision, reason) => {
      sent.push({ lau2, id, decision, reason });
      return { ok: true, data: { ...review(id), status: decision === 'approve' ? 'approved' : 'refused' } };
    },
    ...overrides,
  };
}

describe('events to approve', () => {
  it('offers approve and refuse on a pending event, withdraw on an approved one, nothing once decided', () => {
    expect(decisionsFor('pending')).toEqual(['approve', 'refuse']);
    expect(decisionsFor('approved')).toEqual(['withdraw']);
    expect(decisionsFor('refused')).toEqual([]);
    expect(decisionsFor('withdrawn')).toEqual([]);
    expect([needsReason('approve'), needsReason('refuse'), needsReason('withdraw')]).toEqual([false, true, true]);
  });

  it('lists the pending ones first, then the status chosen', async () => {
    const queue = new EventReviews(fakeApi(), '0501');
    await queue.load();
    expect(queue.status).toBe('pending');
    expect(queue.reviews.map((r) => r.event_id)).toEqual(['E1', 'E2']);
    await queue.load('approved');
    expect(queue.reviews.map((r) => r.event_id)).toEqual(['E3']);
  });

  it('approves without a reason and takes the event off the list', async () => {
    const api = fakeApi();
    const queue = new EventReviews(api, '0501');
    await queue.load();
    expect(await queue.decide('E1', 'approve')).toBe(true);
    expect(api.sent).toEqual([{ lau2: '0501', id: 'E1', decision: 'approve', reason: '' }]);
    expect(queue.reviews.map((r) => r.event_id)).toEqual(['E2']);
    expect(queue.decided).toEqual({ title: 'Fair E1', decision: 'approve' });
  });

  it('asks for a reason before refusing or withdrawing, and sends it trimmed', async () => {
    const api = fakeApi();
    const queue = new EventReviews(api, '0501');
    await queue.load();
    expect(await queue.decide('E2', 'refuse', '   ')).toBe(false);
    expect(queue.reasonMissing).toBe('E2');
    expect(api.sent).toEqual([]);
    expect(await queue.decide('E2', 'refuse', ' Commercial ')).toBe(true);
    expect(queue.reasonMissing).toBeNull();
    expect(api.sent).toEqual([{ lau2: '0501', id: 'E2', decision: 'refuse', reason: 'Commercial' }]);
  });

  it('keeps the event listed and shows the problem when the API refuses (someone decided first)', async () => {
    const queue = new EventReviews(fakeApi({ decide: async () => ({ ok: false, problem: problemFrom(409, { code: 'conflict', message: 'Someone else decided first.' }) }) }), '0501');
    await queue.load();
    expect(await queue.decide('E1', 'approve')).toBe(false);
    expect(queue.problem?.status).toBe(409);
    expect(queue.reviews).toHaveLength(2);
  });

  it('shows the answer of the status chosen last, whichever arrives first', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const api = fakeApi();
    const queue = new EventReviews({
      ...api,
      reviews: async (lau2, status) => {
        if (status === 'pending') await slow;
        return api.reviews(lau2, status);
      },
    }, '0501');
    const first = queue.load('pending');
    await queue.load('refused');
    release();
    await first;
    expect(queue.status).toBe('refused');
    expect(queue.reviews.map((r) => r.event_id)).toEqual(['E3']);
  });
});
