import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import { mentionsIn } from '../posts/post-view';
import type { Comment, CommentsApi, Member, ReportReason } from './comments-api';

/** What the last comment action did, for the screen's live region. */
export type CommentNotice = 'commented' | 'commentRemoved' | 'reported';

/** Which comment action failed, so its message shows next to it. */
export type CommentAction = 'comment' | 'commentRemove' | 'report';

/** How the screen that holds the comments hears of them: its count moves, its live region speaks. */
export type CommentListener = { counted?: (delta: number) => void; told?: (notice: CommentNotice) => void };

/**
 * The comments of one piece of content (a post, an item), in thread order with one level of replies:
 * reading them by pages, writing, replying with "@Name" mentions, deleting, reporting.
 */
export class CommentThread {
  comments: Comment[] = $state([]);
  /** Whether the first page was asked for, and whether it came (or failed). */
  asked = $state(false);
  loaded = $state(false);
  cursor: string | null = $state(null);
  problem: ApiProblem | null = $state(null);
  busy: CommentAction | null = $state(null);
  failed: { action: CommentAction; problem: ApiProblem } | null = $state(null);
  notice: CommentNotice | null = $state(null);
  /** The neighbours who may be mentioned by name (set by the screen once it knows them). */
  members: Member[] = $state([]);

  readonly contentId: string;
  readonly #api: CommentsApi;
  readonly #listener: CommentListener;

  constructor(api: CommentsApi, contentId: string, listener: CommentListener = {}) {
    this.#api = api;
    this.contentId = contentId;
    this.#listener = listener;
  }

  /** The first page; `answer` when the screen already asked (in parallel with the content itself). */
  async load(answer?: Outcome<{ comments: Comment[]; cursor: string | null }>): Promise<void> {
    this.asked = true;
    const page = answer ?? (await this.#api.comments(this.contentId));
    this.loaded = true;
    if (!page.ok) {
      this.problem = page.problem;
      return;
    }
    this.problem = null;
    // A comment written while the page was on its way stays (the answer may have been read before it).
    const listed = new Set(page.data.comments.map((comment) => comment.id));
    this.comments = [...page.data.comments, ...this.comments.filter((comment) => !listed.has(comment.id))];
    this.cursor = page.data.cursor;
  }

  /** The first page, unless already asked for (the screen's comments came into view, or the reader went there). */
  async loadOnce(): Promise<void> {
    if (!this.asked) await this.load();
  }

  async more(): Promise<void> {
    if (!this.cursor) return;
    const page = await this.#api.comments(this.contentId, this.cursor);
    if (!page.ok) {
      this.problem = page.problem;
      return;
    }
    const seen = new Set(this.comments.map((comment) => comment.id));
    this.comments = [...this.comments, ...page.data.comments.filter((comment) => !seen.has(comment.id))];
    this.cursor = page.data.cursor;
  }

  /** Comments in thread order: each top-level comment with its replies (one level). */
  get threads(): { comment: Comment; replies: Comment[] }[] {
    const threads: { comment: Comment; replies: Comment[] }[] = [];
    const byId = new Map<string, { comment: Comment; replies: Comment[] }>();
    for (const comment of this.comments) {
      if (comment.reply_to) {
        byId.get(comment.reply_to)?.replies.push(comment);
        continue;
      }
      const thread = { comment, replies: [] };
      byId.set(comment.id, thread);
      threads.push(thread);
    }
    return threads;
  }

  /** Adds a comment (or a reply); "@Name" of a neighbour becomes a mention the API notifies. */
  async add(text: string, replyTo: string | null = null): Promise<boolean> {
    const mentions = mentionsIn(text, this.members);
    return this.#act('comment', () => this.#api.comment(this.contentId, { text: text.trim(), reply_to: replyTo, mentions }), (comment) => {
      this.#insert(comment);
      this.#listener.counted?.(1);
      this.#tell('commented');
    });
  }

  /** A deleted comment with replies leaves a placeholder; without replies it goes. */
  async remove(commentId: string): Promise<boolean> {
    return this.#act('commentRemove', () => this.#api.removeComment(commentId), () => {
      const hasReplies = this.comments.some((comment) => comment.reply_to === commentId);
      this.comments = hasReplies
        ? this.comments.map((comment) => (comment.id === commentId ? { ...comment, text: null, author_id: null, deleted: true } : comment))
        : this.comments.filter((comment) => comment.id !== commentId);
      this.#listener.counted?.(-1);
      this.#tell('commentRemoved');
    });
  }

  /** Reports a comment to the neighbourhood's moderators (once; not one's own). */
  async report(commentId: string, reason: ReportReason, text: string): Promise<boolean> {
    return this.#act('report', () => this.#api.report({ type: 'comment', id: commentId }, reason, text.trim() || null), () => this.#tell('reported'));
  }

  #tell(notice: CommentNotice): void {
    this.notice = notice;
    this.#listener.told?.(notice);
  }

  async #act<T>(action: CommentAction, call: () => Promise<Outcome<T>>, done: (data: T) => void): Promise<boolean> {
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
