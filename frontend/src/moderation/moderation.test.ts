import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { i18n } from '../i18n/index.svelte';
import AppealCard from './AppealCard.svelte';
import { ModerationDesk } from './moderation-desk.svelte';
import { pendingAppealOf, type AppealPage, type AuditEntry, type ModerationApi, type ReportDecision, type ReportedTarget } from './moderation-api';
import { budgetProposalHref } from './labels';
import ReportCard from './ReportCard.svelte';

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
    item_id: null,
    event_id: null,
    call_id: null,
    budget_proposal_id: null,
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

type ApiAppeal = AppealPage['appeals'][number];
function waiting(postId: string, extra: Partial<ApiAppeal> = {}): ApiAppeal {
  minute += 1;
  return {
    post_id: postId,
    author_id: 'ben',
    text: 'It was a gift, not a sale',
    appealed_at: new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString(),
    hidden_by: 'amb1',
    hidden_reason: 'spam',
    hidden_note: 'ads',
    content: { author_id: 'ben', kind: 'giveaway', title: 'Children’s bike', text: 'Free to a good home', hidden: true, hidden_reason: 'spam', created_at: null, gone: false },
    ...extra,
  };
}

/** Serves `items` a page at a time, as the API does: the cursor says where the next page starts. */
function paged<T>(items: T[], size: number, cursor: string | null | undefined): { page: T[]; cursor: string | null } {
  const start = cursor ? Number(cursor) : 0;
  const end = start + size;
  return { page: items.slice(start, end), cursor: end < items.length ? String(end) : null };
}

function fakeApi(
  options: { reports?: Outcome<{ targets: ReportedTarget[] }>; log?: AuditEntry[]; appeals?: ApiAppeal[]; decide?: Outcome<ReportedTarget>; page?: number; failOlder?: boolean } = {},
) {
  const log = options.log ?? [];
  const queue = options.appeals ?? [];
  const size = options.page ?? 20;
  const calls = { decisions: [] as { target: string; decision: ReportDecision }[], appeals: [] as unknown[], reports: [] as string[], logs: [] as (string | null)[], queues: [] as (string | null)[] };
  const api: ModerationApi = {
    reports: async (_n, status) => {
      calls.reports.push(status);
      return options.reports ?? { ok: true, data: { targets: status === 'open' ? [target('post', P1, 3), target('comment', C1), target('message', M1)] : [] } };
    },
    decide: async (_n, t, decision) => {
      calls.decisions.push({ target: `${t.target_type}:${t.target_id}`, decision });
      log.unshift(entry(decision.action, t.target_id, { target_type: t.target_type, by: 'me', reason: decision.reason ?? null }));
      if (decision.action !== 'hide') queue.splice(0, queue.length, ...queue.filter((a) => a.post_id !== t.target_id));
      return options.decide ?? { ok: true, data: { ...target(t.target_type, t.target_id), count: 0 } };
    },
    log: async (_n, cursor) => {
      calls.logs.push(cursor ?? null);
      if (cursor && options.failOlder) return { ok: false, problem: problemFrom(503, null) };
      const { page, cursor: next } = paged(log, size, cursor);
      return { ok: true, data: { entries: page, cursor: next } };
    },
    appeals: async (_n, cursor) => {
      calls.queues.push(cursor ?? null);
      const { page, cursor: next } = paged(queue, size, cursor);
      return { ok: true, data: { appeals: page, cursor: next } };
    },
    decideAppeal: async (postId, decision, reason) => {
      calls.appeals.push({ postId, decision, reason });
      log.unshift(entry(decision === 'uphold' ? 'uphold' : 'appeal_restore', postId, { by: 'me', reason }));
      queue.splice(0, queue.length, ...queue.filter((a) => a.post_id !== postId));
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
    expect(desk.log.state === 'ready' && desk.log.value[0]).toMatchObject({ action: 'hide', target_id: P1 });
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
  it('lists the API’s queue, oldest first, with the hide each appeal contests', async () => {
    const { api, calls } = fakeApi({ appeals: [waiting(P1), waiting(P2, { hidden_by: null, hidden_reason: 'reported', hidden_note: null, author_id: null })] });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    expect(calls.queues).toEqual([null]);
    expect(desk.appeals).toMatchObject({
      state: 'ready',
      value: [
        { postId: P1, authorId: 'ben', text: 'It was a gift, not a sale', hiddenBy: 'amb1', hiddenReason: 'spam', hiddenNote: 'ads' },
        { postId: P2, authorId: null, hiddenBy: null, hiddenReason: 'reported', hiddenNote: null },
      ],
    });
    expect(desk.appealsCursor).toBeNull();
  });

  it('does not depend on the log: an appeal older than every log page still waits', async () => {
    const log = Array.from({ length: 250 }, (_, i) => entry('report', `${P2}${i}`)).reverse();
    const desk = new ModerationDesk(fakeApi({ log, appeals: [waiting(P1)] }).api, 'n1', 'me');
    await desk.load();
    expect(desk.appeals.state === 'ready' && desk.appeals.value.map((a) => a.postId)).toEqual([P1]);
  });

  it('a second moderator decides, saying why; the appeal leaves the list', async () => {
    const { api, calls } = fakeApi({ appeals: [waiting(P1)] });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    const [appeal] = desk.appeals.state === 'ready' ? desk.appeals.value : [];
    expect(appeal).toMatchObject({ postId: P1, hiddenBy: 'amb1' });
    expect(await desk.decideAppeal(appeal!, 'restore', '   ')).toBe(false);
    expect(desk.problem).toMatchObject({ key: `appeal:${P1}` });
    expect(await desk.decideAppeal(appeal!, 'restore', ' a gift is fine ')).toBe(true);
    expect(calls.appeals).toEqual([{ postId: P1, decision: 'restore', reason: 'a gift is fine' }]);
    expect(desk.appeals).toEqual({ state: 'ready', value: [] });
    expect(desk.news).toEqual({ kind: 'appeal', verdict: 'restore' });
    expect(desk.log.state === 'ready' && desk.log.value[0]).toMatchObject({ action: 'appeal_restore', target_id: P1 });
  });

  it('reads the next page of appeals with the cursor', async () => {
    const queue = Array.from({ length: 5 }, (_, i) => waiting(`${P1}${i}`));
    const { api, calls } = fakeApi({ appeals: queue, page: 3 });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    expect(desk.appeals.state === 'ready' && desk.appeals.value).toHaveLength(3);
    expect(desk.appealsCursor).toBe('3');
    expect(await desk.moreAppeals()).toBe(3);
    expect(calls.queues).toEqual([null, '3']);
    expect(desk.appeals.state === 'ready' && desk.appeals.value.map((a) => a.postId)).toEqual(queue.map((a) => a.post_id));
    expect(desk.appealsCursor).toBeNull();
    expect(await desk.moreAppeals()).toBe(-1);
    expect(calls.queues).toHaveLength(2);
  });

  it('showing a reported post again reads the queue again: its appeal is moot', async () => {
    const { api, calls } = fakeApi({ appeals: [waiting(P1)] });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    const [post] = desk.reports.state === 'ready' ? desk.reports.value : [];
    expect(await desk.decide(post!, 'restore')).toBe(true);
    expect(calls.queues).toEqual([null, null]);
    expect(desk.appeals).toEqual({ state: 'ready', value: [] });
  });
});

/** The section of a card's HTML that the heading with id `id` labels, and that heading's text. */
function section(html: string, id: string): { heading: string; body: string } | null {
  const found = html.match(new RegExp(`<section[^>]*aria-labelledby="${id}"[^>]*>([\\s\\S]*?)</section>`));
  const heading = found?.[1]?.match(new RegExp(`<h4[^>]*id="${id}"[^>]*>([\\s\\S]*?)</h4>`));
  return found && heading ? { heading: heading[1]!.trim(), body: found[1]! } : null;
}

describe('the appeal card', () => {
  const card = (desk: ModerationDesk, appeal = pendingAppealOf(waiting(P1))) =>
    render(AppealCard, { props: { desk, appeal, ondecided: () => {} } }).body;

  it('shows a commune moderator living elsewhere the hidden post, in a section its heading names', () => {
    const html = card(new ModerationDesk(fakeApi().api, 'n1', 'me', 'n2'));
    const content = section(html, `appeal-${P1}-content`);
    expect(content?.heading).toBe(i18n.t('moderation.appeal.content'));
    expect(content?.body).toContain('Children’s bike');
    expect(content?.body).toContain('Free to a good home');
    expect(html.indexOf('<section')).toBeGreaterThan(html.indexOf('<article'));
    expect(html.indexOf('</section>')).toBeLessThan(html.indexOf('</article>'));
    // They cannot open the post (404): no link to it; they decide from the card
    expect(html).not.toContain('href="/posts/');
    expect(html).toContain(i18n.t('moderation.appeal.restore'));
  });

  it('links a moderator who lives here to the post as well', () => {
    const html = card(new ModerationDesk(fakeApi().api, 'n1', 'me', 'n1'));
    expect(section(html, `appeal-${P1}-content`)?.body).toContain(`href="/posts/${P1}"`);
  });

  it('says when the post was deleted meanwhile, with nothing left to decide', () => {
    const gone = { author_id: null, kind: null, title: null, text: null, hidden: false, hidden_reason: null, created_at: null, gone: true };
    const html = card(new ModerationDesk(fakeApi().api, 'n1', 'me', 'n1'), pendingAppealOf(waiting(P1, { content: gone })));
    expect(section(html, `appeal-${P1}-content`)?.body).toContain(i18n.t('moderation.appeal.gone'));
    expect(html).not.toContain('href="/posts/');
    expect(html).not.toContain(i18n.t('moderation.appeal.restore'));
  });
});

describe('the report card', () => {
  it('shows the reported content in a section its heading names', () => {
    const desk = new ModerationDesk(fakeApi().api, 'n1', 'me');
    const html = render(ReportCard, { props: { desk, target: target('post', P1), ondecided: () => {} } }).body;
    const content = section(html, `report-post-${P1}-content`);
    expect(content?.heading).toBe(i18n.t('moderation.content.title'));
    expect(content?.body).toContain('Buy my stuff');
  });

  it('links the post only for a moderator who lives here (elsewhere it answers 404)', () => {
    const card = (home: string) =>
      render(ReportCard, { props: { desk: new ModerationDesk(fakeApi().api, 'n1', 'me', home), target: target('post', P1), ondecided: () => {} } }).body;
    expect(card('n1')).toContain(`href="/posts/${P1}"`);
    expect(card('n2')).not.toContain('href="/posts/');
  });

  it('names a reported budget proposal and links it for any moderator of the commune until it is hidden', () => {
    const piece = `${P1}.${P2}`;
    const proposal = (hidden: boolean): ReportedTarget => {
      const base = target('budget_proposal', piece, 2);
      return { ...base, post_id: null, budget_proposal_id: piece, content: { ...base.content!, title: 'Benches', hidden } };
    };
    const card = (hidden: boolean) =>
      render(ReportCard, { props: { desk: new ModerationDesk(fakeApi().api, '0501-n1', 'me', '0501-n2'), target: proposal(hidden), ondecided: () => {} } }).body;
    const shown = card(false);
    expect(shown).toContain(i18n.plural('moderation.reported.budget_proposal', 2));
    expect(shown).toContain(`href="/communes/0501/budgets/${P1}/proposals/${P2}"`);
    expect(shown).toContain(i18n.t('moderation.decide.hide.budget_proposal'));
    expect(card(true)).not.toContain('href="/communes/');
  });
});

describe('where a reported budget proposal is read', () => {
  it('splits its piece id and takes the commune from the neighbourhood', () => {
    expect(budgetProposalHref('0501-891fa065313', 'E1.P1')).toBe('/communes/0501/budgets/E1/proposals/P1');
    expect(budgetProposalHref('0501-n1', 'E1')).toBeNull();
    expect(budgetProposalHref('0501-n1', 'E1.P1.X')).toBeNull();
  });
});

describe('the log', () => {
  it('shows the newest page and reads older entries with the cursor', async () => {
    const log = Array.from({ length: 25 }, (_, i) => entry('report', `${P1}${i}`)).reverse();
    const { api, calls } = fakeApi({ log });
    const desk = new ModerationDesk(api, 'n1', 'me');
    await desk.load();
    expect(desk.log.state === 'ready' && desk.log.value).toHaveLength(20);
    expect(desk.logCursor).toBe('20');
    expect(await desk.olderLog()).toBe(20);
    expect(calls.logs).toEqual([null, '20']);
    expect(desk.log.state === 'ready' && desk.log.value.map((e) => e.target_id)).toEqual(log.map((e) => e.target_id)); // no overlap, none missed
    expect(desk.logCursor).toBeNull();
    expect(await desk.olderLog()).toBe(-1);
    expect(calls.logs).toHaveLength(2);
  });

  it('keeps the entries shown and says why when older ones cannot be read', async () => {
    const log = Array.from({ length: 25 }, (_, i) => entry('report', `${P1}${i}`)).reverse();
    const desk = new ModerationDesk(fakeApi({ log, failOlder: true }).api, 'n1', 'me');
    await desk.load();
    expect(await desk.olderLog()).toBe(-1);
    expect(desk.pageProblem).toMatchObject({ list: 'log' });
    expect(desk.log.state === 'ready' && desk.log.value).toHaveLength(20);
    expect(desk.logCursor).toBe('20');
  });

  it('after a decision shows the newest page again', async () => {
    const log = Array.from({ length: 25 }, (_, i) => entry('report', `${P1}${i}`)).reverse();
    const desk = new ModerationDesk(fakeApi({ log }).api, 'n1', 'me');
    await desk.load();
    await desk.olderLog();
    const [, comment] = desk.reports.state === 'ready' ? desk.reports.value : [];
    await desk.decide(comment!, 'dismiss');
    expect(desk.log.state === 'ready' && desk.log.value).toHaveLength(20);
    expect(desk.log.state === 'ready' && desk.log.value[0]).toMatchObject({ action: 'dismiss', target_id: C1 });
  });
});
