import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { CommentThread, type CommentNotice } from '../comments/comment-thread.svelte';
import { namesOf, photoIdOf } from './post-view';
import type { Member, Photo, Post, PostsApi, ReportReason, StateName } from './posts-api';

/** What the last action did, for the live region; the screen translates it. */
export type PostNotice =
  | { what: 'state'; state: StateName }
  | { what: CommentNotice | 'thanked' | 'unthanked' | 'pinned' | 'unpinned' | 'appealed' | 'deleted' };

/** Which action failed, so its message shows next to it. */
export type ActionName = 'state' | 'thanks' | 'report' | 'delete' | 'pin' | 'appeal';

/** One post with its comments, and everything a reader, its author or an ambassador may do with it. */
export class PostPage {
  post: Loading<Post> = $state({ state: 'loading' });
  /** Its comments (the same thread as an item's: comments/comment-thread.svelte.ts). */
  readonly discussion: CommentThread;
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
    this.discussion = new CommentThread(api, id, {
      counted: (delta) => {
        const post = this.value;
        if (post) this.#update({ ...post, comment_count: Math.max(0, (post.comment_count ?? 0) + delta) });
      },
      told: (what) => (this.notice = { what }),
    });
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
      this.discussion.members = members.data.members;
      this.names = namesOf(members.data.members);
    }
    if (!post.ok) {
      this.post = { state: 'failed', problem: post.problem };
      return;
    }
    this.post = { state: 'ready', value: post.data };
    await this.discussion.load(comments);
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

  /** Reports the post to the neighbourhood's moderators (once; not one's own). */
  async report(reason: ReportReason, text: string): Promise<boolean> {
    return this.#act('report', () => this.#api.report({ type: 'post', id: this.id }, reason, text.trim() || null), () => {
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
}
