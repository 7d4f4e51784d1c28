import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { mentionsIn, namesOf, photoIdOf } from './post-view';
import type { Comment, Member, Photo, Post, PostsApi, ReportReason, StateName } from './posts-api';

/** What the last action did, for the live region; the screen translates it. */
export type PostNotice =
  | { what: 'state'; state: StateName }
  | { what: 'thanked' | 'unthanked' | 'commented' | 'commentRemoved' | 'reported' | 'pinned' | 'unpinned' | 'appealed' | 'deleted' };

/** Which action failed, so its message shows next to it. */
export type ActionName = 'state' | 'thanks' | 'comment' | 'report' | 'delete' | 'pin' | 'appeal' | 'commentRemove';

export type ReportTarget = { type: 'post' | 'comment'; id: string };

/** One post with its comments, and everything a reader, its author or an ambassador may do with it. */
export class PostPage {
  post: Loading<Post> = $state({ state: 'loading' });
  comments: Comment[] = $state([]);
  commentsCursor: string | null = $state(null);
  commentsProblem: ApiProblem | null = $state(null);
  photo: Photo | null = $state(null);
  members: Member[] = $state([]);
  names: ReadonlyMap<string, string> = $state(new Map());
  busy: ActionName | null = $state(null);
  failed: { action: ActionName; problem: ApiProblem } | null = $state(null);
  notice: PostNotice | null = $state(null);

  readonly id: string;
  readonly #api: PostsApi;

  constructor(api: PostsApi, id: string) {
    this.#api = api;
    this.id = id;
  }

  get value(): Post | null {
    return this.post.state === 'ready' ? this.post.value : null;
  }

  /** `namesFrom`: the reader's own neighbourhood, whose residents' names they may see. */
  async load(namesFrom: string | null): Promise<void> {
    const [post, comments, members] = await Promise.all([
      this.#api.post(this.id),
      this.#api.comments(this.id),
      namesFrom ? this.#api.members(namesFrom) : Promise.resolve(null),
    ]);
    if (members?.ok) {
      this.members = members.data.members;
      this.names = namesOf(members.data.members);
    }
    if (!post.ok) {
      this.post = { state: 'failed', problem: post.problem };
      return;
    }
    this.post = { state: 'ready', value: post.data };
    if (comments.ok) {
      this.comments = comments.data.comments;
      this.commentsCursor = comments.data.cursor;
    } else {
      this.commentsProblem = comments.problem;
    }
    await this.loadPhoto();
  }

  /** The display-size photo (signed links last minutes: asked again when the post is shown). */
  async loadPhoto(): Promise<void> {
    const post = this.value;
    const photoId = post && !post.hidden ? photoIdOf(post) : null;
    if (!photoId) return;
    const photo = await this.#api.photo(photoId);
    if (photo.ok) this.photo = photo.data;
  }

  async moreComments(): Promise<void> {
    if (!this.commentsCursor) return;
    const page = await this.#api.comments(this.id, this.commentsCursor);
    if (!page.ok) {
      this.commentsProblem = page.problem;
      return;
    }
    const seen = new Set(this.comments.map((comment) => comment.id));
    this.comments = [...this.comments, ...page.data.comments.filter((comment) => !seen.has(comment.id))];
    this.commentsCursor = page.data.cursor;
  }

  /** Comments in thread order: each top-level comment with its replies (one level). */
  get threads(): { comment: Comment; replies: Comment[] }[] {
    const threads: { comment: Comment; replies: Comment[] }[] = [];
    const byId = new Map<string, { comment: Comment; replies: Comment[] }>();
    for (const comment of this.comments) {
      if (comment.reply_to) {
        const parent = byId.get(comment.reply_to);
        if (parent) parent.replies.push(comment);
        continue;
      }
      const thread = { comment, replies: [] };
      byId.set(comment.id, thread);
      threads.push(thread);
    }
    return threads;
  }

  async changeState(state: StateName, withUserId?: string): Promise<boolean> {
    return this.#act('state', () => this.#api.changeState(this.id, state, withUserId), (post) => {
      this.#update(post);
      this.notice = { what: 'state', state };
    });
  }

  async toggleThanks(): Promise<void> {
    const post = this.value;
    if (!post) return;
    const thank = !post.thanked_by_me;
    await this.#act('thanks', () => this.#api.thank(this.id, thank), (thanks) => {
      this.#update({ ...post, thanks_count: thanks.thanks_count, thanked_by_me: thanks.thanked_by_me });
      this.notice = { what: thanks.thanked_by_me ? 'thanked' : 'unthanked' };
    });
  }

  /** Adds a comment (or a reply); "@Name" of a neighbour becomes a mention the API notifies. */
  async comment(text: string, replyTo: string | null = null): Promise<boolean> {
    const mentions = mentionsIn(text, this.members);
    return this.#act('comment', () => this.#api.comment(this.id, { text: text.trim(), reply_to: replyTo, mentions }), (comment) => {
      this.#insert(comment);
      const post = this.value;
      if (post) this.#update({ ...post, comment_count: (post.comment_count ?? 0) + 1 });
      this.notice = { what: 'commented' };
    });
  }

  async removeComment(commentId: string): Promise<boolean> {
    return this.#act('commentRemove', () => this.#api.removeComment(commentId), () => {
      const hasReplies = this.comments.some((comment) => comment.reply_to === commentId);
      this.comments = hasReplies
        ? this.comments.map((comment) => (comment.id === commentId ? { ...comment, text: null, author_id: null, deleted: true } : comment))
        : this.comments.filter((comment) => comment.id !== commentId);
      const post = this.value;
      if (post) this.#update({ ...post, comment_count: Math.max(0, (post.comment_count ?? 1) - 1) });
      this.notice = { what: 'commentRemoved' };
    });
  }

  async report(target: ReportTarget, reason: ReportReason, text: string): Promise<boolean> {
    return this.#act('report', () => this.#api.report(target, reason, text.trim() || null), () => {
      this.notice = { what: 'reported' };
    });
  }

  async remove(): Promise<boolean> {
    return this.#act('delete', () => this.#api.remove(this.id), () => {
      this.notice = { what: 'deleted' };
    });
  }

  async togglePin(): Promise<void> {
    const post = this.value;
    if (!post) return;
    await this.#act('pin', () => this.#api.pin(this.id, !post.pinned), (answer) => {
      this.#update(answer);
      this.notice = { what: answer.pinned ? 'pinned' : 'unpinned' };
    });
  }

  async appeal(text: string): Promise<boolean> {
    return this.#act('appeal', () => this.#api.appeal(this.id, text.trim()), (post) => {
      this.#update(post);
      this.notice = { what: 'appealed' };
    });
  }

  /** Runs one action; its failure (e.g. 409 for a state no longer allowed) shows next to it. */
  async #act<T>(action: ActionName, call: () => Promise<{ ok: true; data: T } | { ok: false; problem: ApiProblem }>, done: (data: T) => void): Promise<boolean> {
    if (this.busy) return false;
    this.busy = action;
    this.failed = null;
    this.notice = null;
    const answer = await call();
    this.busy = null;
    if (!answer.ok) {
      this.failed = { action, problem: answer.problem };
      return false;
    }
    done(answer.data);
    return true;
  }

  /** A post from an action keeps the counts it came without (state changes answer without them). */
  #update(post: Post): void {
    const before = this.value;
    this.post = {
      state: 'ready',
      value: {
        ...post,
        comment_count: post.comment_count ?? before?.comment_count ?? null,
        thanks_count: post.thanks_count ?? before?.thanks_count ?? null,
        thanked_by_me: post.thanked_by_me ?? before?.thanked_by_me ?? null,
      },
    };
  }

  #insert(comment: Comment): void {
    if (!comment.reply_to) {
      this.comments = [...this.comments, comment];
      return;
    }
    // A reply goes after its parent's last reply.
    const list = [...this.comments];
    let at = list.findIndex((c) => c.id === comment.reply_to);
    if (at < 0) {
      this.comments = [...list, comment];
      return;
    }
    while (at + 1 < list.length && list[at + 1]?.reply_to === comment.reply_to) at += 1;
    list.splice(at + 1, 0, comment);
    this.comments = list;
  }
}
