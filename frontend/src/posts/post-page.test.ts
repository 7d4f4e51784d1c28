import { describe, expect, it } from 'vitest';
import { comment, fakePostsApi, member, ok, post, problem } from './fake-posts-api';
import type { Outcome } from '../api/outcome';
import { PostPage } from './post-page.svelte';
import type { Post } from './posts-api';

const cat = (overrides: Partial<Post> = {}) =>
  post('P1', { kind: 'lost_pet', state: 'lost', content: { species: 'cat', description: 'grey', photo_id: 'PH1' }, comment_count: 1, thanks_count: 0, thanked_by_me: false, ...overrides });

function api(extra: Parameters<typeof fakePostsApi>[0] = {}) {
  return fakePostsApi({
    post: () => ok(cat()),
    comments: () => ok({ comments: [comment('C1'), comment('C2', { reply_to: 'C1' }), comment('C3')], cursor: null }),
    members: () => ok({ members: [member('u-anna', 'Anna Weber'), member('u-ben', 'Ben'), member('u-bene', 'Ben Schmit')] }),
    photo: () => ok({ status: 'ready', display_url: 'https://s3/display', thumb_url: 'https://s3/thumb', reason: null }),
    ...extra,
  });
}

describe('PostPage', () => {
  it('loads the post, its comments as threads with one level of replies, names and the display photo', async () => {
    const { api: fake, named } = api();
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    expect(page.value?.id).toBe('P1');
    expect(page.discussion.threads.map((t) => [t.comment.id, t.replies.map((r) => r.id)])).toEqual([['C1', ['C2']], ['C3', []]]);
    expect(page.names.get('u-anna')).toBe('Anna Weber');
    expect(page.photo?.display_url).toBe('https://s3/display');
    expect(named('members')).toEqual([['n1']]);
  });

  it('moves the state on; an illegal move shows the API’s 409 and keeps the post as it was', async () => {
    let answer: Outcome<Post> = problem(409, { state: 'not allowed now' }, 'A lost_pet cannot go from reunited to reunited.');
    const { api: fake } = api({ changeState: () => answer });
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    expect(await page.changeState('reunited')).toBe(false);
    expect(page.failed).toMatchObject({ action: 'state', problem: { kind: 'conflict', message: 'A lost_pet cannot go from reunited to reunited.' } });
    expect(page.value?.state).toBe('lost');
    answer = ok(cat({ state: 'reunited', comment_count: null, thanks_count: null, thanked_by_me: null }));
    expect(await page.changeState('reunited')).toBe(true);
    expect(page.value).toMatchObject({ state: 'reunited', comment_count: 1, thanks_count: 0 });
    expect(page.notice).toEqual({ what: 'state', state: 'reunited' });
    expect(page.failed).toBeNull();
  });

  it('toggles thanks with PUT then DELETE, counting as the API says', async () => {
    const { api: fake, named } = api({ thank: (_id, thanked) => ok({ post_id: 'P1', thanks_count: thanked ? 1 : 0, thanked_by_me: thanked }) });
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    await page.toggleThanks();
    expect(page.value).toMatchObject({ thanks_count: 1, thanked_by_me: true });
    await page.toggleThanks();
    expect(page.value).toMatchObject({ thanks_count: 0, thanked_by_me: false });
    expect(named('thank')).toEqual([['P1', true], ['P1', false]]);
  });

  it('comments and replies with the neighbours mentioned by name, the reply placed in its thread', async () => {
    const { api: fake, named } = api({ comment: (_id, request) => ok(comment(request.reply_to ? 'R9' : 'C9', { reply_to: request.reply_to ?? null, text: request.text })) });
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    await page.discussion.add('  Seen it near the church, @Ben Schmit and @anna weber!  ');
    await page.discussion.add('Thanks @Ben', 'C1');
    expect(named('comment')).toEqual([
      ['P1', { text: 'Seen it near the church, @Ben Schmit and @anna weber!', reply_to: null, mentions: ['u-bene', 'u-anna'] }],
      ['P1', { text: 'Thanks @Ben', reply_to: 'C1', mentions: ['u-ben'] }],
    ]);
    expect(page.discussion.comments.map((c) => c.id)).toEqual(['C1', 'C2', 'R9', 'C3', 'C9']);
    expect(page.value?.comment_count).toBe(3);
    expect(page.notice).toEqual({ what: 'commented' });
  });

  it('deleting a comment with replies leaves a placeholder; without replies it goes', async () => {
    const { api: fake } = api({ removeComment: () => ok(null) });
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    await page.discussion.remove('C1');
    await page.discussion.remove('C3');
    expect(page.discussion.comments.map((c) => [c.id, c.deleted])).toEqual([['C1', true], ['C2', false]]);
    expect(page.value?.comment_count).toBe(0);
  });

  it('reports a post or a comment with a reason and optional text; appeals once', async () => {
    let appeals = 0;
    const { api: fake, named } = api({
      report: () => ok({}),
      appeal: () => (++appeals === 1 ? ok(cat({ hidden: true })) : problem(409, { post_id: 'already appealed' })),
    });
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    await page.discussion.report('C3', 'harassment', '  ');
    await page.report('spam', ' selling ');
    expect(named('report')).toEqual([[{ type: 'comment', id: 'C3' }, 'harassment', null], [{ type: 'post', id: 'P1' }, 'spam', 'selling']]);
    expect(page.notice).toEqual({ what: 'reported' });
    expect(await page.appeal('It was a joke between neighbours')).toBe(true);
    expect(await page.appeal('Again')).toBe(false);
    expect(page.failed?.problem.kind).toBe('conflict');
  });

  it('a post of another neighbourhood is not found; pin and unpin follow the API', async () => {
    const missing = new PostPage(fakePostsApi({ post: () => problem(404) }).api, 'P404');
    await missing.load(null);
    expect(missing.post).toMatchObject({ state: 'failed', problem: { kind: 'notFound' } });

    const { api: fake, named } = api({ pin: (_id, pinned) => ok(cat({ pinned, comment_count: null })) });
    const page = new PostPage(fake, 'P1');
    await page.load('n1');
    await page.togglePin();
    expect(page.value).toMatchObject({ pinned: true, comment_count: 1 });
    await page.togglePin();
    expect(named('pin')).toEqual([['P1', true], ['P1', false]]);
  });
});
