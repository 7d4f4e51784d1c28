import { describe, expect, it } from 'vitest';
import { matchRoute, SIGNED_IN_ONLY } from './routes';

describe('matchRoute', () => {
  it.each([
    ['/', 'home'],
    ['', 'home'],
    ['/index.html', 'home'],
    ['/status', 'status'],
    ['/status/', 'status'],
    ['/status?lang=fr#api', 'status'],
    ['/communes', 'communes'],
    ['/communes/', 'communes'],
    ['/admin', 'adminCommunes'],
    ['/sign-in?next=%2Fme', 'signIn'],
    ['/join?code=K7QF-2M9X-PD', 'join'],
    ['/me/', 'me'],
  ] as const)('%s → %s', (path, name) => {
    expect(matchRoute(path).name).toBe(name);
  });

  it('reads the commune of a commune or admin page', () => {
    expect(matchRoute('/communes/0501')).toEqual({ name: 'commune', lau2: '0501' });
    expect(matchRoute('/communes/9901/?x=1')).toEqual({ name: 'commune', lau2: '9901' });
    expect(matchRoute('/admin/0501')).toEqual({ name: 'admin', lau2: '0501', section: '' });
    expect(matchRoute('/communes/05 01')).toMatchObject({ name: 'notFound' });
    expect(matchRoute('/communes/0501/extra')).toMatchObject({ name: 'notFound' });
  });

  it('reads the section of a commune admin page', () => {
    expect(matchRoute('/admin/0501/verifications')).toEqual({ name: 'admin', lau2: '0501', section: 'verifications' });
    expect(matchRoute('/admin/0501/audit/?x=1#top')).toEqual({ name: 'admin', lau2: '0501', section: 'audit' });
    expect(matchRoute('/admin/0501/Audit')).toMatchObject({ name: 'notFound' });
    expect(matchRoute('/admin/0501/audit/more')).toMatchObject({ name: 'notFound' });
  });

  it('sends a signed-out visitor of a commune admin page to sign in first', () => {
    expect(SIGNED_IN_ONLY.has('admin')).toBe(true);
    expect(SIGNED_IN_ONLY.has('commune')).toBe(false);
  });

  it('reads the id of a neighbourhood page', () => {
    expect(matchRoute('/neighbourhoods/0501-891fa065313')).toEqual({ name: 'neighbourhood', id: '0501-891fa065313' });
    expect(matchRoute('/neighbourhoods/a/b')).toMatchObject({ name: 'notFound' });
  });

  it('reads the id of the resident screens', () => {
    expect(matchRoute('/neighbourhoods/0501-891fa065313/posts')).toEqual({ name: 'feed', id: '0501-891fa065313' });
    expect(matchRoute('/neighbourhoods/n1/posts/new?kind=lost_pet')).toEqual({ name: 'compose', id: 'n1' });
    expect(matchRoute('/posts/p1')).toEqual({ name: 'post', id: 'p1' });
    expect(matchRoute('/neighbourhoods/n1/library')).toEqual({ name: 'library', id: 'n1' });
    expect(matchRoute('/items/i1')).toEqual({ name: 'item', id: 'i1' });
    expect(matchRoute('/neighbourhoods/n1/professionals')).toEqual({ name: 'professionals', id: 'n1' });
    expect(matchRoute('/neighbourhoods/n1/helpers?skill=gardening')).toEqual({ name: 'helpers', id: 'n1' });
    expect(matchRoute('/neighbourhoods/n1/moderation')).toEqual({ name: 'moderation', id: 'n1' });
    expect(matchRoute('/messages')).toEqual({ name: 'messages', id: '' });
    expect(matchRoute('/messages/c1')).toEqual({ name: 'conversation', id: 'c1' });
    expect(matchRoute('/announcements')).toEqual({ name: 'announcements', id: '' });
    expect(matchRoute('/consultations/k1')).toEqual({ name: 'consultation', id: 'k1' });
    expect(matchRoute('/neighbourhoods/0501-891fa065313/events')).toEqual({ name: 'events', id: '0501-891fa065313' });
    expect(matchRoute('/neighbourhoods/0501-891fa065313/events/new')).toEqual({ name: 'organiseEvent', id: '0501-891fa065313' });
    expect(matchRoute('/events/01J0000000000000000000000A?occurrence=20270306T130000Z')).toEqual({ name: 'event', id: '01J0000000000000000000000A' });
    expect(matchRoute('/neighbourhoods/n1/volunteering')).toEqual({ name: 'volunteering', id: 'n1' });
    expect(matchRoute('/communes/0501/budgets')).toEqual({ name: 'budget', lau2: '0501', edition: '', proposal: '' });
    expect(matchRoute('/communes/0501/budgets/E1')).toEqual({ name: 'budget', lau2: '0501', edition: 'E1', proposal: '' });
    expect(matchRoute('/communes/0501/budgets/E1/proposals/P1')).toEqual({ name: 'budget', lau2: '0501', edition: 'E1', proposal: 'P1' });
    expect(matchRoute('/neighbourhoods/n1/volunteering/new')).toEqual({ name: 'publishCall', id: 'n1' });
    expect(matchRoute('/volunteering/01J0000000000000000000000A?published=1')).toEqual({ name: 'call', id: '01J0000000000000000000000A' });
    expect(matchRoute('/me/shifts')).toEqual({ name: 'myShifts', id: '' });
    expect(matchRoute('/me/calls')).toEqual({ name: 'myCalls', id: '' });
    expect(matchRoute('/me')).toEqual({ name: 'me' });
    expect(matchRoute('/publish#link=abc')).toEqual({ name: 'publish' });
    expect(matchRoute('/posts/p1/x')).toMatchObject({ name: 'notFound' });
  });

  it('names an unknown path as not found, keeping the path', () => {
    expect(matchRoute('/statuses/1?x=2')).toEqual({ name: 'notFound', path: '/statuses/1' });
    expect(matchRoute('/STATUS')).toEqual({ name: 'notFound', path: '/STATUS' });
  });
});
