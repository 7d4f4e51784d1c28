import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ConversationThread } from './conversation.svelte';
import { Inbox, newestFirst } from './inbox.svelte';
import { messageLink, startRequestFrom, type Conversation, type Member, type Message, type MessagesApi } from './messages-api';
import { Badges, BADGES_MAX_AGE_MS } from './badges.svelte';

const POST = '01J0000000000000000000POST';
const ITEM = '01J0000000000000000000ITEM';

function conversation(id: string, withUser: string, lastAt: string | null, extra: Partial<Conversation> = {}): Conversation {
  return {
    id,
    with_user_id: withUser,
    about: null,
    created_at: '2026-01-01T08:00:00Z',
    last_message_at: lastAt,
    unread: 0,
    last_message: null,
    last_message_mine: false,
    blocked: false,
    ...extra,
  };
}

const member = (id: string, name: string): Member => ({ id, display_name: name, street: 'Gaass', house_number: null, languages: [], new_neighbour: false });

/** A conversation of `count` messages m1 (oldest) … m<count>, alternating authors, served newest first by pages. */
function history(count: number, me = 'me', other = 'ben'): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${String(i + 1).padStart(3, '0')}`,
    conversation_id: 'c1',
    author_id: i % 2 ? me : other,
    text: `message ${i + 1}`,
    deleted: false,
    created_at: new Date(Date.UTC(2026, 0, 1, 9, i)).toISOString(),
    hidden: false,
    hidden_reason: null,
    hidden_note: null,
    hidden_reason_text: null,
  }));
}

const refused = <T>(status: number): Outcome<T> => ({ ok: false, problem: problemFrom(status, { error: { code: 'x', message: 'no' } }) });

function fakeApi(options: { messages?: Message[]; pageSize?: number; conversations?: Conversation[]; send?: Outcome<Message> } = {}) {
  const stored = options.messages ?? history(5);
  const size = options.pageSize ?? 2;
  const calls = { pages: [] as (string | null)[], read: [] as string[], sent: [] as string[], started: [] as unknown[], blocks: [] as string[], unblocks: [] as string[], reports: [] as unknown[] };
  let unread = 3;
  const api: MessagesApi = {
    conversations: async () => ({ ok: true, data: { conversations: options.conversations ?? [conversation('c1', 'ben', '2026-01-02T10:00:00Z')] } }),
    messages: async (_id, cursor) => {
      calls.pages.push(cursor ?? null);
      // newest first; the cursor is the index to start from
      const newest = [...stored].reverse();
      const from = cursor ? Number(cursor) : 0;
      const page = newest.slice(from, from + size);
      return { ok: true, data: { messages: page, cursor: from + size < newest.length ? String(from + size) : null } };
    },
    send: async (conversationId, text) => {
      calls.sent.push(text);
      if (options.send) return options.send;
      const message: Message = { id: `m9${calls.sent.length}`, conversation_id: conversationId, author_id: 'me', text, deleted: false, created_at: '2026-01-03T10:00:00Z', hidden: false, hidden_reason: null, hidden_note: null, hidden_reason_text: null };
      stored.push(message);
      return { ok: true, data: message };
    },
    start: async (request) => {
      calls.started.push(request);
      return { ok: true, data: conversation('new', request.with_user_id, '2026-01-03T10:00:00Z') };
    },
    read: async (conversationId) => {
      calls.read.push(conversationId);
      return { ok: true, data: { was_unread: 2 } };
    },
    badges: async () => ({ ok: true, data: { unread_messages: unread, loans_waiting: 1 } }),
    block: async (userId) => {
      calls.blocks.push(userId);
      return { ok: true, data: { user_id: userId, blocked: true } };
    },
    unblock: async (userId) => {
      calls.unblocks.push(userId);
      return { ok: true, data: null };
    },
    report: async (messageId, reason, text) => {
      calls.reports.push({ messageId, reason, text });
      return { ok: true, data: {} };
    },
    members: async () => ({ ok: true, data: { members: [member('ben', 'Ben'), member('carla', 'Carla')] } }),
  };
  return { api, calls, stored, setUnread: (n: number) => (unread = n) };
}

describe('starting from a link', () => {
  it('reads who and what about from the query', () => {
    expect(startRequestFrom(new URLSearchParams(''))).toBeUndefined();
    expect(startRequestFrom(new URLSearchParams('to=ben&about=member'))).toEqual({ to: 'ben', about: null });
    expect(startRequestFrom(new URLSearchParams(`to=ben&about=post:${POST}`))).toEqual({ to: 'ben', about: { post_id: POST, item_id: null } });
    expect(startRequestFrom(new URLSearchParams(`to=ben&about=item:${ITEM}`))).toEqual({ to: 'ben', about: { post_id: null, item_id: ITEM } });
  });

  it('refuses a broken link rather than guessing', () => {
    for (const query of ['to=', 'to=bad id', `to=ben&about=loan:${POST}`, 'to=ben&about=post:nope', 'to=ben&about=post']) {
      expect(startRequestFrom(new URLSearchParams(query)), query).toBeNull();
    }
  });

  it('builds the links other screens use, which read back the same', () => {
    const link = messageLink('ben', { post: POST });
    expect(link).toBe(`/messages?to=ben&about=post%3A${POST}`);
    expect(startRequestFrom(new URL(link, 'http://x').searchParams)).toEqual({ to: 'ben', about: { post_id: POST, item_id: null } });
  });

  it('opens the existing conversation with that person', async () => {
    const { api, calls } = fakeApi({ conversations: [conversation('c1', 'ben', null), conversation('c2', 'carla', null)] });
    const inbox = new Inbox(api, 'me', 'n1', { to: 'carla', about: null });
    expect(await inbox.load()).toBe('c2');
    expect(calls.started).toEqual([]);
  });

  it('starts a new conversation with the first message and what it is about', async () => {
    const { api, calls } = fakeApi({ conversations: [conversation('c1', 'ben', null)] });
    const inbox = new Inbox(api, 'me', 'n1', { to: 'carla', about: { post_id: POST, item_id: null } });
    expect(await inbox.load()).toBeNull();
    expect(inbox.recipientKnown).toBe(true);
    expect(inbox.nameOf('carla')).toBe('Carla');
    inbox.draft = '   ';
    expect(await inbox.begin()).toBeNull();
    expect(inbox.startProblem?.fields).toHaveProperty('text');
    inbox.draft = '  Is the ladder still free?  ';
    expect(await inbox.begin()).toBe('new');
    expect(calls.started).toEqual([{ with_user_id: 'carla', about: { post_id: POST, item_id: null }, text: 'Is the ladder still free?' }]);
    expect(inbox.draft).toBe('');
  });

  it('says why a start was refused and keeps the draft', async () => {
    const { api } = fakeApi();
    api.start = async () => refused(403);
    const inbox = new Inbox(api, 'me', 'n1', { to: 'carla', about: null });
    await inbox.load();
    inbox.draft = 'Hello';
    expect(await inbox.begin()).toBeNull();
    expect(inbox.startProblem?.kind).toBe('forbidden');
    expect(inbox.draft).toBe('Hello');
  });

  it('does not offer to write to oneself', () => {
    const inbox = new Inbox(fakeApi().api, 'me', 'n1', { to: 'me', about: null });
    expect(inbox.request).toBeNull();
  });
});

describe('the conversations list', () => {
  it('lists the newest conversation first', async () => {
    const { api } = fakeApi({
      conversations: [
        conversation('old', 'ben', '2026-01-01T10:00:00Z'),
        conversation('quiet', 'carla', null, { created_at: '2026-01-05T10:00:00Z' }),
        conversation('new', 'dan', '2026-01-03T10:00:00Z'),
      ],
    });
    const inbox = new Inbox(api, 'me', 'n1', undefined);
    await inbox.load();
    expect(inbox.conversations).toMatchObject({ state: 'ready', value: [{ id: 'quiet' }, { id: 'new' }, { id: 'old' }] });
    expect(newestFirst([])).toEqual([]);
  });

  it('shows the problem when the list cannot be read', async () => {
    const { api } = fakeApi();
    api.conversations = async () => refused(500);
    const inbox = new Inbox(api, 'me', 'n1', undefined);
    expect(await inbox.load()).toBeNull();
    expect(inbox.conversations).toMatchObject({ state: 'failed', problem: { kind: 'server' } });
  });
});

describe('a conversation', () => {
  it('shows the newest page oldest first, then pages back to the first message', async () => {
    const { api, calls } = fakeApi({ messages: history(5), pageSize: 2 });
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    await thread.load();
    expect(thread.messages.map((m) => m.id)).toEqual(['m004', 'm005']);
    expect(thread.otherName).toBe('Ben');
    await thread.older();
    expect(thread.messages.map((m) => m.id)).toEqual(['m002', 'm003', 'm004', 'm005']);
    await thread.older();
    expect(thread.messages.map((m) => m.id)).toEqual(['m001', 'm002', 'm003', 'm004', 'm005']);
    expect(thread.olderCursor).toBeNull();
    await thread.older(); // nothing further back: no call
    expect(calls.pages).toEqual([null, '2', '4']);
  });

  it('sends the draft, adds it at the end and announces it', async () => {
    const { api, calls } = fakeApi({ messages: history(3), pageSize: 10 });
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    await thread.load();
    thread.draft = '  See you at 6  ';
    expect(await thread.send()).toBe(true);
    expect(calls.sent).toEqual(['See you at 6']);
    expect(thread.messages.at(-1)).toMatchObject({ text: 'See you at 6', author_id: 'me' });
    expect(thread.draft).toBe('');
    expect(thread.news).toEqual({ kind: 'sent' });
    thread.draft = '   ';
    expect(await thread.send()).toBe(false);
    expect(calls.sent).toHaveLength(1);
  });

  it('shows the refusal when the person blocked me, keeping the draft', async () => {
    const { api } = fakeApi({ send: refused(403) });
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    await thread.load();
    thread.draft = 'Hello?';
    expect(await thread.send()).toBe(false);
    expect(thread.refused).toBe(true);
    expect(thread.sendProblem?.kind).toBe('forbidden');
    expect(thread.draft).toBe('Hello?');
  });

  it('says it read the conversation only when asked to, and how many were unread', async () => {
    const { api, calls } = fakeApi({ messages: history(2), pageSize: 10 });
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    expect(await thread.markRead()).toBeNull(); // nothing on screen yet
    await thread.load();
    expect(calls.read).toEqual([]);
    expect(await thread.markRead()).toBe(2);
    expect(calls.read).toEqual(['c1']);
  });

  it('announces new messages of the other person, once, and marks them read', async () => {
    const { api, stored, calls } = fakeApi({ messages: history(2), pageSize: 10 });
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    await thread.load();
    stored.push({ ...history(3)[2]!, id: 'm100', author_id: 'ben' }, { ...history(3)[2]!, id: 'm101', author_id: 'ben' });
    await thread.refresh();
    expect(thread.messages.map((m) => m.id)).toEqual(['m001', 'm002', 'm100', 'm101']);
    expect(thread.news).toEqual({ kind: 'arrived', count: 2 });
    expect(calls.read).toEqual(['c1']);
    thread.news = null;
    await thread.refresh();
    expect(thread.messages).toHaveLength(4);
    expect(thread.news).toBeNull();
    expect(calls.read).toEqual(['c1']);
  });

  it('blocks and unblocks the other person', async () => {
    const { api, calls } = fakeApi({ conversations: [conversation('c1', 'ben', null, { blocked: true })] });
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    await thread.load();
    expect(thread.blocked).toBe(true);
    await thread.unblock();
    expect(calls.unblocks).toEqual(['ben']);
    expect(thread.blocked).toBe(false);
    await thread.block();
    expect(calls.blocks).toEqual(['ben']);
    expect(thread.blocked).toBe(true);
    expect(thread.news).toEqual({ kind: 'blocked' });
  });

  it('reports a message with a reason and text', async () => {
    const { api, calls } = fakeApi();
    const thread = new ConversationThread(api, 'c1', 'me', 'n1');
    await thread.load();
    expect(await thread.report('m005', 'harassment', '  rude  ')).toBe(true);
    expect(await thread.report('m003', 'spam', '   ')).toBe(true);
    expect(calls.reports).toEqual([
      { messageId: 'm005', reason: 'harassment', text: 'rude' },
      { messageId: 'm003', reason: 'spam', text: null },
    ]);
    expect(thread.reportedIds.has('m005')).toBe(true);
    expect(thread.news).toEqual({ kind: 'reported' });
  });

  it('a conversation that is not mine is not found', async () => {
    const { api } = fakeApi();
    api.messages = async () => refused(404);
    const thread = new ConversationThread(api, 'c9', 'me', 'n1');
    await thread.load();
    expect(thread.state).toMatchObject({ state: 'failed', problem: { kind: 'notFound' } });
  });
});

describe('the header badges', () => {
  const answer = (unread_messages: number, loans_waiting = 0): Outcome<{ unread_messages: number; loans_waiting: number }> =>
    ({ ok: true, data: { unread_messages, loans_waiting } });

  it('show the counts of one call, and ask again on navigation only once they are a minute old', async () => {
    const { api, setUnread } = fakeApi();
    let now = 0;
    let asked = 0;
    const badges = new Badges({ badges: () => { asked += 1; return api.badges(); } }, () => now);
    expect(badges.messages).toBeNull();
    await badges.refresh();
    expect([badges.messages, badges.loans]).toEqual([3, 1]);
    setUnread(0);
    now = BADGES_MAX_AGE_MS - 1;
    await badges.refresh();
    expect([asked, badges.messages]).toEqual([1, 3]);
    now = BADGES_MAX_AGE_MS;
    await badges.refresh();
    expect([asked, badges.messages]).toEqual([2, 0]);
    await badges.refresh({ force: true });
    expect(asked).toBe(3);
  });

  it('follow what the screens see without asking: my conversations, a conversation read, my loans', () => {
    const badges = new Badges({ badges: async () => answer(9) });
    badges.sawConversations([{ unread: 2 }, { unread: 0 }, { unread: 3 }]);
    expect(badges.messages).toBe(5);
    badges.read(3);
    expect(badges.messages).toBe(2);
    badges.read(7);
    expect(badges.messages).toBe(0);
    badges.sawLoansWaiting(2);
    expect(badges.loans).toBe(2);
  });

  it('keep the last answer when an older refresh comes back late', async () => {
    let release: (value: Outcome<{ unread_messages: number; loans_waiting: number }>) => void = () => {};
    const answers: Promise<Outcome<{ unread_messages: number; loans_waiting: number }>>[] = [
      new Promise((resolve) => (release = resolve)),
      Promise.resolve(answer(1)),
    ];
    const badges = new Badges({ badges: () => answers.shift()! });
    const slow = badges.refresh();
    await badges.refresh({ force: true });
    release(answer(7));
    await slow;
    expect(badges.messages).toBe(1);
  });

  it('go away when cleared or signed out, and ask again after a failure', async () => {
    let asked = 0;
    const badges = new Badges({ badges: async () => { asked += 1; return refused(401); } });
    badges.messages = 2;
    await badges.refresh();
    expect(badges.messages).toBeNull();
    await badges.refresh();
    expect(asked).toBe(2);
    badges.messages = 2;
    badges.clear();
    expect(badges.messages).toBeNull();
  });
});
