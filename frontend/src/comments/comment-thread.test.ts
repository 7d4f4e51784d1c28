import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import { fakeLibraryApi, itemComment } from '../library/fake-library-api';
import { ItemPage } from '../library/item.svelte';
import { CommentThread, type CommentNotice } from './comment-thread.svelte';

const TODAY = '2026-12-02';

describe('CommentThread on an item (the same thread a post has)', () => {
  it('asks for the item’s comments once they are wanted (not with the item), threads replies, and mentions neighbours', async () => {
    const { api, calls } = fakeLibraryApi({
      comments: () => ({ ok: true, data: { comments: [itemComment('C1'), itemComment('R1', { reply_to: 'C1' }), itemComment('C3')], cursor: null } }),
    });
    const page = new ItemPage(api, 'ITEM1', TODAY);
    await page.load();
    expect(calls.filter((call) => call.startsWith('comments'))).toEqual([]);
    expect(page.discussion.loaded).toBe(false);
    await page.discussion.loadOnce();
    await page.discussion.loadOnce();
    expect(calls.filter((call) => call.startsWith('comments'))).toEqual(['comments ITEM1']);
    expect(page.discussion.threads.map((t) => [t.comment.id, t.replies.map((r) => r.id)])).toEqual([['C1', ['R1']], ['C3', []]]);

    expect(await page.discussion.add('  Could I borrow it on Saturday, @anna?  ', 'C1')).toBe(true);
    expect(page.discussion.comments.map((c) => c.id)).toEqual(['C1', 'R1', 'C2', 'C3']);
    expect(page.news).toEqual({ kind: 'commented' });
  });

  it('sends mentions and the trimmed text to the item’s comments, reports a comment, deletes one', async () => {
    const sent: unknown[] = [];
    const reported: unknown[] = [];
    const { api } = fakeLibraryApi({
      comment: (id, request) => {
        sent.push([id, request]);
        return { ok: true, data: itemComment('C9', { text: request.text }) };
      },
      report: (target, reason, text) => {
        reported.push([target, reason, text]);
        return { ok: true, data: {} };
      },
    });
    const told: CommentNotice[] = [];
    const counted: number[] = [];
    const thread = new CommentThread(api, 'ITEM1', { told: (what) => told.push(what), counted: (delta) => counted.push(delta) });
    await thread.load();
    thread.members = [{ id: 'U-OWNER', display_name: 'Anna', street: 'Gaass', house_number: null, languages: [], new_neighbour: false }];
    await thread.add(' Thanks @Anna! ');
    await thread.report('C1', 'spam', '  ');
    await thread.remove('C9');
    expect(sent).toEqual([['ITEM1', { text: 'Thanks @Anna!', reply_to: null, mentions: ['U-OWNER'] }]]);
    expect(reported).toEqual([[{ type: 'comment', id: 'C1' }, 'spam', null]]);
    expect(thread.comments.map((c) => c.id)).toEqual(['C1']);
    expect(told).toEqual(['commented', 'reported', 'commentRemoved']);
    expect(counted).toEqual([1, -1]);
  });

  it('a comment written while the first page was on its way stays when the page arrives without it', async () => {
    let answer: (value: unknown) => void = () => undefined;
    const { api } = fakeLibraryApi({ comments: () => new Promise((resolve) => (answer = resolve)) as never });
    const thread = new CommentThread(api, 'ITEM1');
    const loading = thread.loadOnce();
    await thread.add('Is it still free on Sunday?');
    answer({ ok: true, data: { comments: [itemComment('C1')], cursor: null } });
    await loading;
    expect(thread.comments.map((c) => c.id)).toEqual(['C1', 'C2']);
  });

  it('a refusal stays next to its action and changes nothing; a hidden comment keeps its place', async () => {
    const refused = { ok: false as const, problem: problemFrom(409, { error: { code: 'conflict', message: 'already reported', fields: {} } }) };
    const { api } = fakeLibraryApi({
      comments: () => ({ ok: true, data: { comments: [itemComment('C1', { hidden: true, hidden_reason: 'spam', text: null })], cursor: 'next' } }),
      report: () => refused,
    });
    const thread = new CommentThread(api, 'ITEM1');
    await thread.load();
    expect(thread.comments[0]).toMatchObject({ id: 'C1', hidden: true });
    expect(thread.cursor).toBe('next');
    expect(await thread.report('C1', 'spam', '')).toBe(false);
    expect(thread.failed).toMatchObject({ action: 'report', problem: { kind: 'conflict' } });
    expect(thread.notice).toBeNull();
  });
});
