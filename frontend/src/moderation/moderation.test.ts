import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ModerationDesk, LOG_PAGE } from './moderation-desk.svelte';
import { pendingAppeals, type AuditEntry, type ModerationApi, type ReportDecision, type ReportedTarget } from './moderation-api';

const P1 = '01J0000000000000000000P001';
const P2 = '01J0000000000000000000P002';
const C1 = '01J0000000000000000000C001';
const M1 = '01J0000000000000000000M001';

function target(type: ReportedTarget['target_type'], id: string, count = 1): ReportedTarget {
  return {
    target_type: type,
    target_id: id,
    post_id: type === 'message' ? null : P1,
    conversation_id: type === 'message' ? 'c1' : null,
    count,
    reasons: { spam: count },
    texts: ['selling things'],
    content: { author_id: 'ben', kind: null, title: null, text: 'Buy my stuff', hidden: false, hidden_reason: null, created_at: null, gone: false },
  };
}

let minute = 0;
function entry(action: AuditEntry['action'], id: string, extra: Partial<AuditEntry> = {}): AuditEntry {
  minute += 1;
  return { at: new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString(), action, by: 'amb1', target_type: 'post', target_id: id, reason: null, note: null, ...extra };
}

function fakeApi(options: { reports?: Outcome<{ targets: ReportedTarget[] }>; log?: AuditEntry[]; decide?: Outcome<ReportedTarget> } = {}) {
  const log = options.log ?? [];
  const calls = { decisions: [] as { target: string; decision: ReportDecision }[], appeals: [] as unknown[], reports: [] as string[], logs: 0 };
  const api: ModerationApi = {
    reports: async (_n, status) => {
      calls.reports.push(status);
      return options.reports ?? { ok: true, data: { targets: status === 'open' ? [target('post', P1, 3), target('comment', C1), target('message', M1)] : [] } };
    },
    decide: async (_n, t, decision) => {
      calls.decisions.push({ target: `${t.target_type}:${t.target_id}`, decision });
      log.unshift(entry(decision.action, t.target_id, { target_type: t.target_type, by: 'me', reason: decision.reason ?? null }));
      return options.decide ?? { ok: true, data: { ...target(t.target_type, t.target_id), count: 0 } };
    },
    log: async () => {
      calls.logs += 1;
      return { ok: true, data: { entries: [...log] } };
    },
    decideAppeal: async (postId, decision, reason) => {
      calls.appeals.push({ postId, decision, reason });
      log.unshift(entry(decision === 'uphold' ? 'uphold' : 'appeal_restore', postId, { by: 'me', reason }));
      return { ok: true, data: {} };
    },
    members: async () => ({ ok: false, problem: problemFrom(404, null) }),
  };
  return { api, calls };
}

describe('the reports queue', () => {
  it('shows the open reports of posts, comments and messages with what was reported', async () => {
    const desk = new ModerationDesk(fakeApi().api, 'n1', 'me');
    await desk.load();
    expect(desk.reports).toMatchObject({ state: 'ready', value: [{ target_type: 'post', count: 3 }, { target_type: 'comment' }, { target_type: 'message' }] });
    expect(desk.notFound).toBe(false);
  });

  it('someone who does not moderate here sees the API’s not found', async () => {
    const desk = new ModerationDesk(fakeApi({ reports: { ok: false, problem: problemFrom(404, null) } }).api, 'n1', 'me');
    await desk.load();
    expect(desk.notFound).toBe(true);
  });

  it('hiding needs a reason and takes the report off the open queue', async () => {
    const { api, calls } = fakeApi();
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    const [post] = desk.reports.state === 'ready' ? desk.reports.value : [];
    expect(await desk.decide(post!, 'hide')).toBe(false);
    expect(desk.problem).toMatchObject({ key: `post:${P1}`, problem: { fields: { reason: 'missing' } } });
    expect(calls.decisions).toEqual([]);
    expect(await desk.decide(post!, 'hide', 'spam', '  selling  ')).toBe(true);
    expect(calls.decisions).toEqual([{ target: `post:${P1}`, decision: { action: 'hide', reason: 'spam', note: 'selling' } }]);
    expect(desk.reports).toMatchObject({ state: 'ready', value: [{ target_type: 'comment' }, { target_type: 'message' }] });
    expect(desk.news).toEqual({ kind: 'decided', action: 'hide', target: 'post' });
    expect(desk.shownLog[0]).toMatchObject({ action: 'hide', target_id: P1 });
  });

  it('dismisses and restores without a reason code', async () => {
    const { api, calls } = fakeApi();
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    const [, comment, message] = desk.reports.state === 'ready' ? desk.reports.value : [];
    await desk.decide(message!, 'dismiss', 'spam');
    await desk.decide(comment!, 'restore');
    expect(calls.decisions.map((d) => d.decision)).toEqual([
      { action: 'dismiss', reason: null, note: null },
      { action: 'restore', reason: null, note: null },
    ]);
  });

  it('keeps the report and says why when the decision is refused', async () => {
    const { api } = fakeApi({ decide: { ok: false, problem: problemFrom(409, { error: { code: 'conflict', message: 'changed meanwhile' } }) } });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    const [post] = desk.reports.state === 'ready' ? desk.reports.value : [];
    expect(await desk.decide(post!, 'restore')).toBe(false);
    expect(desk.problem).toMatchObject({ key: `post:${P1}`, problem: { kind: 'conflict' } });
    expect(desk.reports.state === 'ready' && desk.reports.value).toHaveLength(3);
  });

  it('switches to the closed reports', async () => {
    const { api, calls } = fakeApi();
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    await desk.showStatus('closed');
    expect(calls.reports).toEqual(['open', 'closed']);
    expect(desk.reports).toEqual({ state: 'ready', value: [] });
  });
});

describe('appeals', () => {
  it('waits while an appeal has no decision, with the hide it contests', () => {
    const log = [entry('hide', P1, { by: 'amb1', reason: 'spam', note: 'ads' }), entry('appeal', P1, { by: 'ben', reason: 'It was a gift, not a sale' }), entry('hide', P2), entry('appeal', P2), entry('uphold', P2, { by: 'amb2' })].reverse();
    expect(pendingAppeals(log)).toEqual([
      expect.objectContaining({ postId: P1, authorId: 'ben', text: 'It was a gift, not a sale', hiddenBy: 'amb1', hiddenReason: 'spam', hiddenNote: 'ads' }),
    ]);
  });

  it('a second moderator decides, saying why; the appeal leaves the list', async () => {
    const { api, calls } = fakeApi({ log: [entry('hide', P1, { by: 'amb1' }), entry('appeal', P1, { by: 'ben' })].reverse() });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    const [appeal] = desk.appeals;
    expect(appeal).toMatchObject({ postId: P1, hiddenBy: 'amb1' });
    expect(await desk.decideAppeal(appeal!, 'restore', '   ')).toBe(false);
    expect(desk.problem).toMatchObject({ key: `appeal:${P1}` });
    expect(await desk.decideAppeal(appeal!, 'restore', ' a gift is fine ')).toBe(true);
    expect(calls.appeals).toEqual([{ postId: P1, decision: 'restore', reason: 'a gift is fine' }]);
    expect(desk.appeals).toEqual([]);
    expect(desk.news).toEqual({ kind: 'appeal', verdict: 'restore' });
  });
});

describe('the log', () => {
  it('shows a page at a time', async () => {
    const log = Array.from({ length: LOG_PAGE + 5 }, (_, i) => entry('report', `${P1}${i}`)).reverse();
    const desk = new ModerationDesk(fakeApi({ log }).api, 'n1', 'me');
    await desk.load();
    expect(desk.shownLog).toHaveLength(LOG_PAGE);
    expect(desk.moreLog).toBe(true);
    desk.showMoreLog();
    expect(desk.shownLog).toHaveLength(LOG_PAGE + 5);
    expect(desk.moreLog).toBe(false);
  });
});
