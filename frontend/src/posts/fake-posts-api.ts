// A PostsApi for unit tests: answers from what the test sets, records every call.
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { Comment, Feed, Member, Post, PostsApi } from './posts-api';

export const post = (id: string, overrides: Partial<Post> = {}): Post => ({
  id,
  neighbourhood_id: 'n1',
  kind: 'discussion',
  author_id: 'u-anna',
  created_at: '2026-11-26T10:00:00Z',
  edited_at: null,
  state: null,
  matched_with: null,
  pinned: false,
  nearby: false,
  content: { text: `text of ${id}` },
  comment_count: null,
  thanks_count: null,
  thanked_by_me: null,
  hidden: false,
  hidden_reason: null,
  looks_aggressive: null,
  ...overrides,
} as Post);

export const comment = (id: string, overrides: Partial<Comment> = {}): Comment => ({
  id,
  post_id: 'p1',
  reply_to: null,
  author_id: 'u-ben',
  text: `comment ${id}`,
  mentions: [],
  deleted: false,
  created_at: '2026-11-26T11:00:00Z',
  ...overrides,
} as Comment);

export const member = (id: string, display_name: string): Member => ({ id, display_name, street: 'Gaass', house_number: null, languages: [], new_neighbour: false });

export const problem = (status: number, fields: Record<string, string> = {}, message = 'refused') =>
  ({ ok: false, problem: problemFrom(status, { error: { code: 'x', message, fields } }) }) as const;

export const ok = <T>(data: T): Outcome<T> => ({ ok: true, data });

type Answers = { [K in keyof PostsApi]?: (...args: Parameters<PostsApi[K]>) => ReturnType<PostsApi[K]> | Awaited<ReturnType<PostsApi[K]>> };

/** A fake API: each call is recorded as `[name, ...args]`; unset calls answer 404. */
export function fakePostsApi(answers: Answers = {}) {
  const calls: [string, ...unknown[]][] = [];
  const api = new Proxy({} as PostsApi, {
    get(_target, name: string) {
      return async (...args: unknown[]) => {
        calls.push([name, ...args]);
        const answer = (answers as Record<string, ((...a: unknown[]) => unknown) | undefined>)[name];
        return answer ? answer(...args) : problem(404);
      };
    },
  });
  return { api, calls, named: (name: keyof PostsApi) => calls.filter(([called]) => called === name).map(([, ...args]) => args) };
}

export const feedPage = (posts: Post[], cursor: string | null = null): Outcome<Feed> => ok({ posts, cursor });
