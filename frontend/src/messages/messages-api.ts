import type { ApiClient, Member } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

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
  /** Newest first; `cursor` asks for the page before. Reading marks the conversation read. */
  messages(conversationId: string, cursor?: string | null): Promise<Outcome<MessagePage>>;
  send(conversationId: string, text: string): Promise<Outcome<Message>>;
  start(request: ConversationStart): Promise<Outcome<Conversation>>;
  unread(): Promise<Outcome<{ unread: number }>>;
  block(userId: string): Promise<Outcome<unknown>>;
  unblock(userId: string): Promise<Outcome<null>>;
  report(messageId: string, reason: MessageReportReason, text: string | null): Promise<Outcome<unknown>>;
  /** The verified neighbours, for their names. */
  members(neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>>;
}

export const PAGE_SIZE = 30;

export function httpMessagesApi(client: ApiClient): MessagesApi {
  const fresh = { cache: 'no-store' as const };
  return {
    conversations: () => outcomeOf(client.GET('/api/v1/conversations', fresh)),
    messages: (conversationId, cursor) =>
      outcomeOf(
        client.GET('/api/v1/conversations/{conversation_id}/messages', {
          params: { path: { conversation_id: conversationId }, query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
          ...fresh,
        }),
      ),
    send: (conversationId, text) =>
      outcomeOf(client.POST('/api/v1/conversations/{conversation_id}/messages', { params: { path: { conversation_id: conversationId } }, body: { text } })),
    start: (request) => outcomeOf(client.POST('/api/v1/conversations', { body: request })),
    unread: () => outcomeOf(client.GET('/api/v1/me/unread', fresh)),
    block: (userId) => outcomeOf(client.PUT('/api/v1/me/blocks/{user_id}', { params: { path: { user_id: userId } } })),
    unblock: (userId) => emptyOutcomeOf(client.DELETE('/api/v1/me/blocks/{user_id}', { params: { path: { user_id: userId } } })),
    report: (messageId, reason, text) =>
      outcomeOf(client.POST('/api/v1/messages/{message_id}/reports', { params: { path: { message_id: messageId } }, body: { reason, text } })),
    members: (neighbourhoodId) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/members', { params: { path: { neighbourhood_id: neighbourhoodId } }, ...fresh })),
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
