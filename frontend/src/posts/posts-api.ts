import type { ApiClient, Member } from '../api/client';
import type { components } from '../api/schema';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import { httpCommentsApi } from '../comments/comments-api';
import { neighbourhoodMembers } from '../neighbourhood/members';

type Schemas = components['schemas'];
export type Post = Schemas['PostPublic'];
export type Feed = Schemas['Feed'];
export type Kind = Post['kind'];
export type NewPost = Schemas['PostRequest']['post'];
export type StateName = Schemas['StateChange']['state'];
export type Comment = Schemas['CommentPublic'];
export type CommentPage = Schemas['CommentPage'];
export type CommentRequest = Schemas['CommentRequest'];
export type Thanks = Schemas['Thanks'];
export type Photo = Schemas['PhotoPublic'];
export type UploadStarted = Schemas['PhotoUploadStarted'];
export type ReportReason = Schemas['ReportRequest']['reason'];
export type Trade = Schemas['Recommendation']['trade'];
export type PhotoType = Schemas['PhotoUploadRequest']['content_type'];
export type { Member };

/** The calls of the post screens; tests pass a fake. */
export interface PostsApi {
  feed(neighbourhoodId: string, query: { kind?: Kind | undefined; cursor?: string | undefined }): Promise<Outcome<Feed>>;
  members(neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>>;
  seen(neighbourhoodId: string, postId: string): Promise<Outcome<null>>;
  write(neighbourhoodId: string, post: NewPost): Promise<Outcome<Post>>;
  post(postId: string): Promise<Outcome<Post>>;
  edit(postId: string, post: NewPost): Promise<Outcome<Post>>;
  remove(postId: string): Promise<Outcome<null>>;
  changeState(postId: string, state: StateName, withUserId?: string): Promise<Outcome<Post>>;
  pin(postId: string, pinned: boolean): Promise<Outcome<Post>>;
  comments(postId: string, cursor?: string): Promise<Outcome<CommentPage>>;
  comment(postId: string, request: CommentRequest): Promise<Outcome<Comment>>;
  removeComment(commentId: string): Promise<Outcome<null>>;
  thank(postId: string, thanked: boolean): Promise<Outcome<Thanks>>;
  report(target: { type: 'post' | 'comment'; id: string }, reason: ReportReason, text: string | null): Promise<Outcome<unknown>>;
  appeal(postId: string, text: string): Promise<Outcome<Post>>;
  toneCheck(text: string): Promise<Outcome<{ looks_aggressive: boolean }>>;
  startUpload(contentType: PhotoType, size: number): Promise<Outcome<UploadStarted>>;
  photo(photoId: string): Promise<Outcome<Photo>>;
}

export function httpPostsApi(client: ApiClient): PostsApi {
  const post = (id: string) => ({ params: { path: { post_id: id } } });
  const fresh = { cache: 'no-store' as const };
  const { comments, comment, removeComment } = httpCommentsApi(client, 'post');
  return {
    feed: (id, query) =>
      outcomeOf(
        client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/posts', {
          params: { path: { neighbourhood_id: id }, query: { ...(query.kind ? { kind: query.kind } : {}), ...(query.cursor ? { cursor: query.cursor } : {}) } },
          ...fresh,
        }),
      ),
    seen: (id, postId) =>
      emptyOutcomeOf(client.PUT('/api/v1/neighbourhoods/{neighbourhood_id}/posts/seen', { params: { path: { neighbourhood_id: id } }, body: { post_id: postId } })),
    members: (id) => neighbourhoodMembers(client, id),
    write: (id, body) => outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/posts', { params: { path: { neighbourhood_id: id } }, body: { post: body } })),
    post: (id) => outcomeOf(client.GET('/api/v1/posts/{post_id}', { ...post(id), ...fresh })),
    edit: (id, body) => outcomeOf(client.PATCH('/api/v1/posts/{post_id}', { ...post(id), body: { post: body } })),
    remove: (id) => emptyOutcomeOf(client.DELETE('/api/v1/posts/{post_id}', post(id))),
    changeState: (id, state, withUserId) =>
      outcomeOf(client.POST('/api/v1/posts/{post_id}/state', { ...post(id), body: { state, with_user_id: withUserId ?? null } })),
    pin: (id, pinned) => outcomeOf(pinned ? client.PUT('/api/v1/posts/{post_id}/pin', post(id)) : client.DELETE('/api/v1/posts/{post_id}/pin', post(id))),
    comments,
    comment,
    removeComment,
    thank: (id, thanked) => outcomeOf(thanked ? client.PUT('/api/v1/posts/{post_id}/thanks', post(id)) : client.DELETE('/api/v1/posts/{post_id}/thanks', post(id))),
    report: (target, reason, text) => {
      const body = { reason, text: text || null };
      return target.type === 'post'
        ? outcomeOf(client.POST('/api/v1/posts/{post_id}/reports', { ...post(target.id), body }))
        : outcomeOf(client.POST('/api/v1/comments/{comment_id}/reports', { params: { path: { comment_id: target.id } }, body }));
    },
    appeal: (id, text) => outcomeOf(client.POST('/api/v1/posts/{post_id}/appeal', { ...post(id), body: { text } })),
    toneCheck: (text) => outcomeOf(client.POST('/api/v1/tone-check', { body: { text } })),
    startUpload: (contentType, size) => outcomeOf(client.POST('/api/v1/uploads', { body: { purpose: 'post', content_type: contentType, size } })),
    photo: (id) => outcomeOf(client.GET('/api/v1/photos/{photo_id}', { params: { path: { photo_id: id } }, ...fresh })),
  };
}

/** Sends a file to the presigned POST, reporting progress (one implementation, in lib/). */
export { sendWithProgress, type SendFile } from '../lib/photo-upload.svelte';
