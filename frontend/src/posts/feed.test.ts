import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { FeedState } from './feed.svelte';
import { fakePostsApi, feedPage, member, ok, post, problem } from './fake-posts-api';
import type { Feed, Kind } from './posts-api';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FeedState', () => {
  it('shows the first page newest first as the API gives it, pinned first, and keeps the cursor', async () => {
    const { api, named } = fakePostsApi({ feed: () => feedPage([post('P3', { pinned: true }), post('P2'), post('P1')], 'c1') });
    const feed = new FeedState(api, 'n1');
    await feed.load();
    expect(feed.phase).toBe('ready');
    expect(feed.posts.map((p) => p.id)).toEqual(['P3', 'P2', 'P1']);
    expect(feed.hasMore).toBe(true);
    expect(named('feed')).toEqual([['n1', { kind: undefined }]]);
  });

  it('loads more with the opaque cursor, appends without repeats and ends when the cursor is null', async () => {
    const pages: Record<string, Outcome<Feed>> = {
      first: feedPage([post('P4'), post('P3')], 'opaque==1'),
      'opaque==1': feedPage([post('P3'), post('P2'), post('P1')], null),
    };
    const { api, named } = fakePostsApi({ feed: (_id, query) => pages[query.cursor ?? 'first']! });
    const feed = new FeedState(api, 'n1');
    await feed.load();
    await feed.loadMore();
    expect(feed.posts.map((p) => p.id)).toEqual(['P4', 'P3', 'P2', 'P1']);
    expect(feed.added).toEqual({ firstId: 'P2', count: 2 });
    expect(feed.hasMore).toBe(false);
    expect(named('feed')[1]).toEqual(['n1', { kind: undefined, cursor: 'opaque==1' }]);
    await feed.loadMore(); // nothing more to ask for
    expect(named('feed')).toHaveLength(2);
  });

  it('filters by kind: asks the API for that kind, starts again from the first page', async () => {
    const { api, named } = fakePostsApi({
      feed: (_id, query) => feedPage(query.kind === 'lost_pet' ? [post('L1', { kind: 'lost_pet' })] : [post('D1')], query.kind ? null : 'c'),
    });
    const feed = new FeedState(api, 'n1');
    await feed.load();
    await feed.load('lost_pet');
    expect(feed.kind).toBe('lost_pet');
    expect(feed.posts.map((p) => p.id)).toEqual(['L1']);
    expect(feed.cursor).toBeNull();
    expect(named('feed')[1]).toEqual(['n1', { kind: 'lost_pet' }]);
    await feed.loadMore();
    expect(named('feed')).toHaveLength(2);
  });

  it('a filter chosen while the previous one still loads wins', async () => {
    let release: (value: Outcome<Feed>) => void = () => undefined;
    const { api } = fakePostsApi({
      feed: (_id, query) => (query.kind === 'giveaway' ? feedPage([post('G1', { kind: 'giveaway' })]) : new Promise<Outcome<Feed>>((resolve) => (release = resolve))),
    });
    const feed = new FeedState(api, 'n1');
    const slow = feed.load(null);
    await feed.load('giveaway' as Kind);
    release(feedPage([post('OLD')]));
    await slow;
    expect(feed.posts.map((p) => p.id)).toEqual(['G1']);
    expect(feed.kind).toBe('giveaway');
  });

  it('a failed first page is a problem; a failed next page keeps what is shown', async () => {
    const failing = fakePostsApi({ feed: () => problem(404) });
    const feed = new FeedState(failing.api, 'n1');
    await feed.load();
    expect(feed.phase).toBe('failed');
    expect(feed.problem?.kind).toBe('notFound');

    let calls = 0;
    const flaky = fakePostsApi({ feed: () => (++calls === 1 ? feedPage([post('P1')], 'c') : problem(500)) });
    const second = new FeedState(flaky.api, 'n1');
    await second.load();
    await second.loadMore();
    expect(second.posts.map((p) => p.id)).toEqual(['P1']);
    expect(second.problem?.kind).toBe('server');
    expect(second.hasMore).toBe(true);
  });

  it('fetches thumbnails of shown photos once, never of hidden posts, and names authors from the members', async () => {
    const { api, named } = fakePostsApi({
      feed: () =>
        feedPage([
          post('L1', { kind: 'lost_pet', content: { species: 'cat', photo_id: 'PH1' } }),
          post('L2', { kind: 'lost_pet', content: { species: 'dog', photo_id: 'PH1' } }),
          post('H1', { hidden: true, content: { text: null, photo_id: 'PH2' } }),
        ]),
      photo: (id) => ok({ status: 'ready', display_url: `https://s3/${id}/display`, thumb_url: `https://s3/${id}/thumb`, reason: null }),
      members: () => ok({ members: [member('u-anna', 'Anna Weber')] }),
    });
    const feed = new FeedState(api, 'n1');
    await feed.load();
    await feed.loadNames();
    await flush();
    expect(named('photo')).toEqual([['PH1']]);
    expect(feed.photos['PH1']?.thumb_url).toBe('https://s3/PH1/thumb');
    expect(feed.names.get('u-anna')).toBe('Anna Weber');
  });

  it('tells the server the newest post of my feed at most once a day, and only when newer', async () => {
    let page = [post('01B', { pinned: true }), post('01C'), post('01A')];
    const { api, named } = fakePostsApi({ feed: () => feedPage(page, null), seen: () => ok(null) });
    const stored = new Map<string, string>();
    const store = { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) };
    const feed = new FeedState(api, 'n1');
    await feed.load();
    await feed.reportSeen(store, '2026-12-06');
    await feed.reportSeen(store, '2026-12-06'); // the same day: not again
    await feed.reportSeen(store, '2026-12-07'); // nothing newer: not again
    page = [post('01D'), post('01C')];
    await feed.load();
    await feed.reportSeen(store, '2026-12-07');
    await feed.load('lost_pet');
    await feed.reportSeen(store, '2026-12-08'); // one kind only: not the whole feed
    expect(named('seen')).toEqual([['n1', '01C'], ['n1', '01D']]);
    expect(stored.get('noper.feedSeen.n1')).toBe('2026-12-07 01D');
  });
});
