import type { ApiClient, Member } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type Comment = Schemas['CommentPublic'];
export type CommentPage = Schemas['CommentPage'];
export type CommentRequest = Schemas['CommentRequest'];
export type ReportReason = Schemas['ReportRequest']['reason'];
export type { Member };

/** The kinds of content that take comments through the API's content kernel (chalicelib/content/). */
export type CommentedKind = 'post' | 'item' | 'event' | 'call';

/** The comment calls of one kind of content (its id given to each); tests pass a fake. */
export interface CommentsApi {
  comments(contentId: string, cursor?: string): Promise<Outcome<CommentPage>>;
  comment(contentId: string, request: CommentRequest): Promise<Outcome<Comment>>;
  removeComment(commentId: string): Promise<Outcome<null>>;
  report(target: { type: 'comment'; id: string }, reason: ReportReason, text: string | null): Promise<Outcome<unknown>>;
}

/** The comments of a post, an item, an event or a call for volunteers: the same calls on `/posts/{id}/comments`,
 * `/items/…`, `/events/…`, `/volunteering/…`. */
export function httpCommentsApi(client: ApiClient, kind: CommentedKind): CommentsApi {
  const fresh = { cache: 'no-store' as const };
  return {
    comments: (id, cursor) => {
      const query = cursor ? { cursor } : {};
      if (kind === 'event') return outcomeOf(client.GET('/api/v1/events/{event_id}/comments', { params: { path: { event_id: id }, query }, ...fresh }));
      if (kind === 'call') return outcomeOf(client.GET('/api/v1/volunteering/{call_id}/comments', { params: { path: { call_id: id }, query }, ...fresh }));
      return kind === 'post'
        ? outcomeOf(client.GET('/api/v1/posts/{post_id}/comments', { params: { path: { post_id: id }, query }, ...fresh }))
        : outcomeOf(client.GET('/api/v1/items/{item_id}/comments', { params: { path: { item_id: id }, query }, ...fresh }));
    },
    comment: (id, body) =>
      kind === 'call'
        ? outcomeOf(client.POST('/api/v1/volunteering/{call_id}/comments', { params: { path: { call_id: id } }, body }))
        : kind === 'event'
        ? outcomeOf(client.POST('/api/v1/events/{event_id}/comments', { params: { path: { event_id: id } }, body }))
        : kind === 'post'
        ? outcomeOf(client.POST('/api/v1/posts/{post_id}/comments', { params: { path: { post_id: id } }, body }))
        : outcomeOf(client.POST('/api/v1/items/{item_id}/comments', { params: { path: { item_id: id } }, body })),
    removeComment: (id) => emptyOutcomeOf(client.DELETE('/api/v1/comments/{comment_id}', { params: { path: { comment_id: id } } })),
    report: (target, reason, text) =>
      outcomeOf(client.POST('/api/v1/comments/{comment_id}/reports', { params: { path: { comment_id: target.id } }, body: { reason, text: text || null } })),
  };
}
