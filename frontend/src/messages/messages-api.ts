import type { ApiClient, Member } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { Kept } from '../lib/kept';
import { neighbourhoodMembers } from '../neighbourhood/members';

type Schemas = components['schemas'];
export type Conversation = Schemas['ConversationPublic'];
export type Message = Schemas['MessagePublic'];
export type MessagePage = Schemas['MessagePage'];
export type ConversationStart = Schemas['ConversationStart'];
export type About = NonNullable<ConversationStart['about']>;
export type { Member };

/** The reasons a message can be reported for (the messages API takes these four). */
export const MESSAGE_REPORT_REASONS = ['spam', 'harassment', 'hate', 'other'] as const;
export type MessageReportReason = (typeof MESSAGE_REPORT_REASONS)[number];

/** The calls of the messages screens; tests pass a fake. */
export interface MessagesApi {
  conversations(): Promise<Outcome<{ conversations: Conversation[] }>>;
  /** Newest first; `cursor` asks for the page before. Reading changes nothing: see `read`. */
  messages(conversationId: string, cursor?: string | null): Promise<Outcome<MessagePage>>;
  /** I read the conversation: how many of its messages were unread until now. */
  read(conversationId: string): Promise<Outcome<{ was_unread: number }>>;
  send(conversationId: string, text: string): Promise<Outcome<Message>>;
  start(request: ConversationStart): Promise<Outcome<Conversation>>;
  /** The header's badges: unread messages and loan requests waiting for my answer. */
  badges(): Promise<Outcome<{ unread_messages: number; loans_waiting: number }>>;
  block(userId: string): Promise<Outcome<unknown>>;
  unblock(userId: string): Promise<Outcome<null>>;
  report(messageId: string, reason: MessageReportReason, text: string | null): Promise<Outcome<unknown>>;
  /** The verified neighbours, for their names. */
  members(neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>>;
}

export const PAGE_SIZE = 30;

/** My conversations, kept between the list and a conversation (changed by what I send, start, block or read). */
const myConversations = new Kept<{ conversations: Conversation[] }>(30_000);

export function httpMessagesApi(client: ApiClient): MessagesApi {
  const fresh = { cache: 'no-store' as const };
  const changed = <T>(outcome: Promise<Outcome<T>>): Promise<Outcome<T>> =>
    outcome.then((answer) => {
      myConversations.forget();
      return answer;
    });
  return {
    conversations: () => myConversations.get('mine', () => outcomeOf(client.GET('/api/v1/conversations', fresh))),
    messages: (conversationId, cursor) =>
      outcomeOf(
        client.GET('/api/v1/conversations/{conversation_id}/messages', {
          params: { path: { conversation_id: conversationId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          ...fresh,
        }),
      ),
    read: (conversationId) =>
      changed(outcomeOf(client.POST('/api/v1/conversations/{conversation_id}/read', { params: { path: { conversation_id: conversationId } } }))),
    send: (conversationId, text) =>
      changed(outcomeOf(client.POST('/api/v1/conversations/{conversation_id}/messages', { params: { path: { conversation_id: conversationId } }, body: { text } }))),
    start: (request) => changed(outcomeOf(client.POST('/api/v1/conversations', { body: request }))),
    badges: () => outcomeOf(client.GET('/api/v1/me/badges', fresh)),
    block: (userId) => changed(outcomeOf(client.PUT('/api/v1/me/blocks/{user_id}', { params: { path: { user_id: userId } } }))),
    unblock: (userId) => changed(emptyOutcomeOf(client.DELETE('/api/v1/me/blocks/{user_id}', { params: { path: { user_id: userId } } }))),
    report: (messageId, reason, text) =>
      outcomeOf(client.POST('/api/v1/messages/{message_id}/reports', { params: { path: { message_id: messageId } }, body: { reason, text } })),
    members: (neighbourhoodId) => neighbourhoodMembers(client, neighbourhoodId),
  };
}

const POST_OR_ITEM_ID = /^[0-9A-Z]{26}$/;
const USER_ID = /^[0-9A-Za-z-]{1,64}$/;

/** Who to write to and about what, from `?to=<user id>&about=post:<id>|item:<id>|member`; null when the link is broken. */
export type StartRequest = { to: string; about: About | null };

export function startRequestFrom(query: URLSearchParams): StartRequest | null | undefined {
  const to = query.get('to');
  if (to === null) return undefined; // no request at all: just the list
  if (!USER_ID.test(to)) return null;
  const about = query.get('about');
  if (about === null || about === '' || about === 'member') return { to, about: null };
  const [kind, id = ''] = about.split(':', 2);
  if (!POST_OR_ITEM_ID.test(id)) return null;
  if (kind === 'post') return { to, about: { post_id: id, item_id: null } };
  if (kind === 'item') return { to, about: { post_id: null, item_id: id } };
  return null;
}

/** The link other screens use to open a conversation with someone: the member list, a post, an item. */
export function messageLink(to: string, about: { post: string } | { item: string } | 'member' = 'member'): string {
  const kind = about === 'member' ? 'member' : 'post' in about ? `post:${about.post}` : `item:${about.item}`;
  return `/messages?${new URLSearchParams({ to, about: kind }).toString()}`;
}

/** The neighbourhood id in a profile's residence, when there is one. */
export function neighbourhoodIdOf(residence: { neighbourhood: { [key: string]: unknown } | null }): string | null {
  const id = residence.neighbourhood?.id;
  return typeof id === 'string' ? id : null;
}

/** id → display name of the neighbours. */
export function namesOf(members: Member[]): Map<string, string> {
  return new Map(members.filter((m) => m.display_name).map((m) => [m.id, m.display_name]));
}
