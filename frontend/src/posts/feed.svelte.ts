import type { ApiProblem } from '../api/problem';
import { namesOf, photoIdOf } from './post-view';
import type { Kind, Photo, Post, PostsApi } from './posts-api';

export type FeedPhase = 'loading' | 'ready' | 'loadingMore' | 'failed';

/** Where the web app remembers what it last told the server it saw (`localStorage` in the browser). */
export type SeenStore = Pick<Storage, 'getItem' | 'setItem'>;

/** A neighbourhood's feed: pages by the API's opaque cursor, a kind filter, authors' names, thumbnails. */
export class FeedState {
  posts: Post[] = $state([]);
  cursor: string | null = $state(null);
  kind: Kind | null = $state(null);
  phase: FeedPhase = $state('loading');
  problem: ApiProblem | null = $state(null);
  /** The first post of the page just added (the screen moves focus there), and how many came. */
  added: { firstId: string | null; count: number } | null = $state(null);
  names: ReadonlyMap<string, string> = $state(new Map());
  photos: Record<string, Photo> = $state({});

  readonly neighbourhoodId: string;
  readonly #api: PostsApi;
  #run = 0;

  constructor(api: PostsApi, neighbourhoodId: string) {
    this.#api = api;
    this.neighbourhoodId = neighbourhoodId;
  }

  get hasMore(): boolean {
    return this.cursor !== null;
  }

  /** The first page, of one kind or all; a newer call wins over an older one still answering. */
  async load(kind: Kind | null = this.kind): Promise<void> {
    const run = ++this.#run;
    this.kind = kind;
    this.phase = 'loading';
    this.problem = null;
    this.added = null;
    const page = await this.#api.feed(this.neighbourhoodId, { kind: kind ?? undefined });
    if (run !== this.#run) return;
    if (!page.ok) {
      this.posts = [];
      this.cursor = null;
      this.phase = 'failed';
      this.problem = page.problem;
      return;
    }
    this.posts = page.data.posts;
    this.cursor = page.data.cursor;
    this.phase = 'ready';
    void this.#thumbnails(page.data.posts);
  }

  /** The next page, after the last one shown. */
  async loadMore(): Promise<void> {
    if (!this.cursor || this.phase !== 'ready') return;
    const run = this.#run;
    this.phase = 'loadingMore';
    this.problem = null;
    const page = await this.#api.feed(this.neighbourhoodId, { kind: this.kind ?? undefined, cursor: this.cursor });
    if (run !== this.#run) return;
    this.phase = 'ready';
    if (!page.ok) {
      this.problem = page.problem;
      return;
    }
    const seen = new Set(this.posts.map((post) => post.id));
    const fresh = page.data.posts.filter((post) => !seen.has(post.id));
    this.posts = [...this.posts, ...fresh];
    this.cursor = page.data.cursor;
    this.added = { firstId: fresh[0]?.id ?? null, count: fresh.length };
    void this.#thumbnails(fresh);
  }

  /** Tells the server how far the resident has read their own feed (the weekly digest skips a week they read
   * all of): the newest post of the first page of all kinds, at most once a `day`, and only when newer than
   * the one told last. */
  async reportSeen(store: SeenStore | undefined, day: string): Promise<void> {
    if (!store || this.kind !== null || this.phase !== 'ready' || !this.posts.length) return;
    const newest = this.posts.map((post) => post.id).reduce((a, b) => (b > a ? b : a));
    const key = `noper.feedSeen.${this.neighbourhoodId}`;
    const [toldOn, told] = (store.getItem(key) ?? '').split(' ');
    if (toldOn === day || (told && newest <= told)) return;
    const answer = await this.#api.seen(this.neighbourhoodId, newest);
    if (answer.ok) store.setItem(key, `${day} ${newest}`);
  }

  /** Names of the neighbourhood's residents, to say who wrote what (others show as "a neighbour"). */
  async loadNames(): Promise<void> {
    const members = await this.#api.members(this.neighbourhoodId);
    if (members.ok) this.names = namesOf(members.data.members);
  }

  async #thumbnails(posts: Post[]): Promise<void> {
    const ids = [...new Set(posts.filter((post) => !post.hidden).map(photoIdOf).filter((id): id is string => id !== null))].filter((id) => !(id in this.photos));
    const answers = await Promise.all(ids.map(async (id) => [id, await this.#api.photo(id)] as const));
    const found: Record<string, Photo> = {};
    for (const [id, answer] of answers) if (answer.ok) found[id] = answer.data;
    if (Object.keys(found).length) this.photos = { ...this.photos, ...found };
  }
}
