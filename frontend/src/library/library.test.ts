import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ManualTimers } from '../lib/fake-timers';
import { CALENDAR, conflict, fakeLibraryApi, ITEM, loan, wanted } from './fake-library-api';
import { ItemPage } from './item.svelte';
import type { Item } from './library-api';
import { LibraryPage, SEARCH_DEBOUNCE_MS } from './library.svelte';
import { loanActions, sortLoans } from './loans';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const form = { name: ' Ladder ', description: '3 m', conditions: '', category: 'household' as const };

describe('LibraryPage', () => {
  it('loads items, owners’ names, wanted things and my loans', async () => {
    const { api } = fakeLibraryApi();
    const page = new LibraryPage(api, 'n1', { timers: new ManualTimers() });
    await page.load();
    expect(page.items).toMatchObject({ state: 'ready', value: [{ id: 'ITEM1' }] });
    expect(page.nameOf('U-OWNER')).toBe('Anna');
    expect(page.nameOf('U-GONE')).toBeNull();
    expect(page.wanted).toMatchObject({ state: 'ready', value: [{ id: 'W1' }] });
    expect(page.loans).toMatchObject({ state: 'ready', value: { as_borrower: [{ id: 'LOAN1' }] } });
  });

  it('searches once typing pauses, with the last text only', async () => {
    const timers = new ManualTimers();
    const { api, calls } = fakeLibraryApi();
    const page = new LibraryPage(api, 'n1', { timers });
    await page.load();
    calls.length = 0;
    page.search('dr');
    timers.advance(SEARCH_DEBOUNCE_MS - 1);
    page.search('drill ');
    timers.advance(SEARCH_DEBOUNCE_MS - 1);
    expect(calls).toEqual([]);
    timers.advance(1);
    await flush();
    expect(calls).toEqual(['items n1 drill']);
    expect(page.shownQuery).toBe('drill');
    expect(page.items).toEqual({ state: 'ready', value: [] });
  });

  it('an older answer arriving late does not replace a newer one', async () => {
    const resolvers: ((value: Outcome<{ items: Item[] }>) => void)[] = [];
    const { api } = fakeLibraryApi({ items: () => new Promise((resolve) => resolvers.push(resolve)) as never });
    const page = new LibraryPage(api, 'n1', { timers: new ManualTimers() });
    page.query = 'a';
    page.searchNow();
    page.query = 'ab';
    page.searchNow();
    await flush();
    resolvers[1]!({ ok: true, data: { items: [{ ...ITEM, id: 'NEW' }] } });
    await flush();
    resolvers[0]!({ ok: true, data: { items: [{ ...ITEM, id: 'OLD' }] } });
    await flush();
    expect(page.items).toMatchObject({ value: [{ id: 'NEW' }] });
    expect(page.shownQuery).toBe('ab');
  });

  it('lending sends the trimmed form with the ready photo and announces it', async () => {
    const sent: unknown[] = [];
    const { api } = fakeLibraryApi({ lend: (_n, body) => (sent.push(body), { ok: true, data: { ...ITEM, name: body.name } }) });
    const page = new LibraryPage(api, 'n1', { timers: new ManualTimers() });
    expect(await page.lend(form, 'PHOTO1')).toBe(true);
    expect(sent).toEqual([{ name: 'Ladder', description: '3 m', conditions: '', category: 'household', photo_id: 'PHOTO1', available: true, blocked: [] }]);
    expect(page.news).toEqual({ kind: 'lent', name: 'Ladder' });
  });

  it('a refused item keeps the form and shows why', async () => {
    const { api } = fakeLibraryApi({ lend: () => conflict() });
    const page = new LibraryPage(api, 'n1', { timers: new ManualTimers() });
    expect(await page.lend(form, null)).toBe(false);
    expect(page.lendProblem).toMatchObject({ kind: 'conflict' });
  });

  it('posting and closing a wanted thing updates the list', async () => {
    const { api } = fakeLibraryApi();
    const page = new LibraryPage(api, 'n1', { timers: new ManualTimers() });
    await page.load();
    await page.askFor('Tent ', '');
    expect(page.wanted).toMatchObject({ value: [{ id: 'W2', name: 'Tent' }, { id: 'W1' }] });
    await page.close(wanted());
    expect(page.wanted).toMatchObject({ value: [{ id: 'W2' }] });
    expect(page.news).toEqual({ kind: 'closed', name: 'Trailer' });
  });

  it('accepting a request moves the loan and a conflict reloads my loans', async () => {
    const request = loan({ id: 'R1', role: 'owner', borrower_id: 'U-B', owner_id: 'U-ME' });
    let reloads = 0;
    const { api, calls } = fakeLibraryApi({
      myLoans: () => (reloads++, { ok: true, data: { as_borrower: [], as_owner: [request] } }),
    });
    const page = new LibraryPage(api, 'n1', { timers: new ManualTimers() });
    await page.load();
    expect(page.requestsWaiting).toBe(1);
    await page.act(request, 'accept');
    expect(calls).toContain('decide R1 accept');
    expect(page.loans).toMatchObject({ value: { as_owner: [{ id: 'R1', state: 'accepted' }] } });
    expect(page.requestsWaiting).toBe(0);

    const failing = fakeLibraryApi({ decide: () => conflict(), myLoans: () => (reloads++, { ok: true, data: { as_borrower: [], as_owner: [request] } }) });
    const other = new LibraryPage(failing.api, 'n1', { timers: new ManualTimers() });
    await other.load();
    const before = reloads;
    await other.act(request, 'decline');
    expect(other.news).toMatchObject({ kind: 'failed', problem: { kind: 'conflict' } });
    expect(reloads).toBe(before + 1);
  });
});

describe('loans', () => {
  it('offers each role only the next steps the API allows', () => {
    expect(loanActions(loan({ role: 'owner', state: 'requested' }))).toEqual(['accept', 'decline']);
    expect(loanActions(loan({ role: 'owner', state: 'accepted' }))).toEqual(['picked_up']);
    expect(loanActions(loan({ role: 'owner', state: 'picked_up' }))).toEqual(['returned']);
    expect(loanActions(loan({ role: 'borrower', state: 'requested' }))).toEqual(['cancelled']);
    expect(loanActions(loan({ role: 'borrower', state: 'accepted' }))).toEqual([]);
    expect(loanActions(loan({ role: 'owner', state: 'returned' }))).toEqual([]);
  });

  it('puts overdue loans first, then requests, then the rest, finished ones last', () => {
    const sorted = sortLoans([
      loan({ id: 'done', state: 'returned', start: '2026-11-01' }),
      loan({ id: 'accepted', state: 'accepted', start: '2026-12-01' }),
      loan({ id: 'late', state: 'picked_up', overdue: true, start: '2026-11-20' }),
      loan({ id: 'asked', state: 'requested', start: '2026-12-10' }),
      loan({ id: 'declined', state: 'declined', start: '2026-11-05' }),
    ]);
    expect(sorted.map((l) => l.id)).toEqual(['late', 'asked', 'accepted', 'declined', 'done']);
  });
});

describe('ItemPage', () => {
  const TODAY = '2026-12-02';

  it('loads the item, its calendar and my loans of it only', async () => {
    const { api } = fakeLibraryApi({
      myLoans: () => ({ ok: true, data: { as_borrower: [loan(), loan({ id: 'OTHER', item_id: 'ITEM9' })], as_owner: [] } }),
    });
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    expect(page.item).toMatchObject({ state: 'ready', value: { name: 'Drill' } });
    expect(page.picker.data).toMatchObject({ taken: ['2026-12-05'] });
    expect(page.loans.map((l) => l.id)).toEqual(['LOAN1']);
  });

  it('reports the item to the moderators, and says so when it was reported already', async () => {
    const { api, calls } = fakeLibraryApi();
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    expect(await page.report('commercial', '  sells watches  ')).toBe(true);
    expect(calls).toContain('reportItem ITEM1 commercial sells watches');
    expect(page.news).toEqual({ kind: 'reported' });
    const again = fakeLibraryApi({ reportItem: () => conflict('You have already reported this.') });
    const second = new ItemPage(again.api, 'ITEM1', TODAY);
    expect(await second.report('spam', '')).toBe(false);
    expect(again.calls).toContain('reportItem ITEM1 spam');
    expect(second.news).toMatchObject({ kind: 'failed', problem: { status: 409 } });
  });

  it('takes the item from its calendar: no call for the item alone unless the calendar fails', async () => {
    const { api, calls } = fakeLibraryApi();
    await new ItemPage(api, 'ITEM1', TODAY).load();
    expect(calls.filter((c) => c.startsWith('item '))).toEqual([]);
    const failing = fakeLibraryApi({ calendar: () => ({ ok: false, problem: problemFrom(404, null) }), item: () => ({ ok: false, problem: problemFrom(404, null) }) });
    const page = new ItemPage(failing.api, 'ITEM1', TODAY);
    await page.load();
    expect(page.item).toMatchObject({ state: 'failed', problem: { kind: 'notFound' } });
  });

  it('asks for the picked dates and clears the choice', async () => {
    const { api, calls } = fakeLibraryApi();
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    page.picker.pick('2026-12-07');
    page.picker.pick('2026-12-08');
    expect(await page.ask()).toBe(true);
    expect(calls).toContain('askLoan ITEM1 2026-12-07 2026-12-08');
    expect(page.news).toEqual({ kind: 'requested', start: '2026-12-07', end: '2026-12-08' });
    expect(page.loans[0]).toMatchObject({ id: 'LOAN2' });
    expect(page.picker.start).toBe('');
  });

  it('does not ask for a range over a taken day', async () => {
    const { api, calls } = fakeLibraryApi();
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    page.picker.setStart('2026-12-04');
    page.picker.setEnd('2026-12-06');
    expect(await page.ask()).toBe(false);
    expect(calls.filter((c) => c.startsWith('askLoan'))).toEqual([]);
  });

  it('a 409 shows the conflict and reloads the calendar with the newly taken days', async () => {
    let calendars = 0;
    const { api } = fakeLibraryApi({
      askLoan: () => conflict('The item is already lent on some of these days.'),
      calendar: () => ({ ok: true, data: { ...CALENDAR, taken: calendars++ ? ['2026-12-05', '2026-12-08'] : ['2026-12-05'] } }),
    });
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    page.picker.pick('2026-12-07');
    page.picker.pick('2026-12-09');
    expect(await page.ask()).toBe(false);
    expect(page.askProblem).toMatchObject({ kind: 'conflict', status: 409 });
    expect(page.picker.data?.taken).toEqual(['2026-12-05', '2026-12-08']);
    expect(page.picker.problem).toEqual({ reason: 'taken', day: '2026-12-08' });
  });

  it('the owner accepts a request and the calendar is read again', async () => {
    let calendars = 0;
    const request = loan({ id: 'R1', role: 'owner' });
    const { api, calls } = fakeLibraryApi({
      item: () => ({ ok: true, data: { ...ITEM, mine: true } }),
      myLoans: () => ({ ok: true, data: { as_borrower: [], as_owner: [request] } }),
      calendar: () => (calendars++, { ok: true, data: { ...CALENDAR, item: { ...ITEM, mine: true } } }),
    });
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    expect(page.mine).toBe(true);
    await page.act(request, 'accept');
    expect(calls).toContain('decide R1 accept');
    expect(page.loans[0]).toMatchObject({ state: 'accepted' });
    expect(calendars).toBe(2);
  });

  it('withdrawing while lent shows the conflict and keeps the item', async () => {
    const { api } = fakeLibraryApi({ removeItem: () => conflict('The item is lent or promised') });
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    expect(await page.withdraw()).toBe(false);
    expect(page.removed).toBe(false);
    expect(page.editProblem).toMatchObject({ kind: 'conflict' });
  });

  it('the owner blocks the chosen days and unblocks a range, sending every range kept', async () => {
    const sent: unknown[] = [];
    const { api } = fakeLibraryApi({
      item: () => ({ ok: true, data: { ...ITEM, mine: true, blocked: [{ start: '2026-12-20', end: '2026-12-22' }] } }),
      updateItem: (_id, change) => (sent.push(change), { ok: true, data: { ...ITEM, mine: true, blocked: change.blocked ?? [] } }),
    });
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    page.picker.pick('2026-12-10');
    page.picker.pick('2026-12-12');
    expect(await page.block()).toBe(true);
    expect(sent[0]).toEqual({ blocked: [{ start: '2026-12-20', end: '2026-12-22' }, { start: '2026-12-10', end: '2026-12-12' }] });
    expect(page.news).toEqual({ kind: 'blocked', start: '2026-12-10', end: '2026-12-12' });
    expect(page.picker.start).toBe('');
    expect(await page.unblock({ start: '2026-12-20', end: '2026-12-22' })).toBe(true);
    expect(sent[1]).toEqual({ blocked: [{ start: '2026-12-10', end: '2026-12-12' }] });
    expect(page.item).toMatchObject({ value: { blocked: [{ start: '2026-12-10' }] } });
  });

  it('editing saves the changed fields', async () => {
    const { api } = fakeLibraryApi();
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    expect(await page.edit({ available: false })).toBe(true);
    expect(page.item).toMatchObject({ value: { available: false } });
    expect(page.news).toEqual({ kind: 'saved' });
  });
});
