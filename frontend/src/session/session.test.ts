import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { afterSignIn, queryParam, safeNext, signInHref } from './destination';
import { Session, offersStaffPages } from './session.svelte';
import type { AuthApi, Profile } from './session-api';
import { profile } from './test-profile';


const fail = <T>(status: number, body: unknown = null): Outcome<T> => ({ ok: false, problem: problemFrom(status, body) });

function fakeAuth(me: () => Outcome<Profile>, signOut: () => Outcome<null> = () => ({ ok: true, data: null })): AuthApi {
  return {
    requestCode: async () => ({ ok: true, data: {} }),
    signIn: async () => ({ ok: true, data: profile() }),
    signOut: async () => signOut(),
    me: async () => me(),
  };
}

describe('Session', () => {
  it('holds the profile when GET /me answers', async () => {
    const session = new Session(fakeAuth(() => ({ ok: true, data: profile() })));
    expect(session.current.state).toBe('loading');
    await session.load();
    expect(session.profile?.display_name).toBe('Anna');
  });

  it('is signed out on 401, and on 404 (no such account: deleted)', async () => {
    for (const status of [401, 404]) {
      const session = new Session(fakeAuth(() => fail(status)));
      await session.load();
      expect(session.current).toEqual({ state: 'signedOut' });
    }
  });

  it('keeps the problem when the API cannot say', async () => {
    const session = new Session(fakeAuth(() => fail(503)));
    await session.load();
    expect(session.current).toMatchObject({ state: 'unknown', problem: { kind: 'server' } });
  });

  it('a sign-in while GET /me is still on its way wins over the older answer', async () => {
    let answer: (outcome: Outcome<Profile>) => void = () => {};
    const api = fakeAuth(() => fail(401));
    api.me = () => new Promise((resolve) => (answer = resolve));
    const session = new Session(api);
    const loading = session.load();
    session.update(profile({ display_name: 'Ben' }));
    answer(fail(401));
    await loading;
    expect(session.profile?.display_name).toBe('Ben');
  });

  it('signs out, also when the server had already ended the session', async () => {
    const session = new Session(fakeAuth(() => ({ ok: true, data: profile() }), () => fail(401)));
    await session.load();
    expect(await session.signOut()).toBeNull();
    expect(session.current.state).toBe('signedOut');
  });

  it('stays signed in and reports the problem when signing out failed', async () => {
    const session = new Session(fakeAuth(() => ({ ok: true, data: profile() }), () => fail(0)));
    await session.load();
    expect((await session.signOut())?.kind).toBe('network');
    expect(session.current.state).toBe('signedIn');
  });

  it('lists the communes of staff grants once', async () => {
    const session = new Session(fakeAuth(() => ({ ok: true, data: profile({ staff: [{ lau2: '0501', role: 'admin' }, { lau2: '0501', role: 'verifier' }] }) })));
    await session.load();
    expect(session.staffCommunes).toEqual(['0501']);
  });
});

describe('offersStaffPages', () => {
  it('offers them to signed-in staff only', () => {
    expect(offersStaffPages({ state: 'signedIn', profile: profile({ staff: [{ lau2: '0501', role: 'verifier' }] }) })).toBe(true);
    expect(offersStaffPages({ state: 'signedIn', profile: profile() })).toBe(false);
  });

  it('offers them to nobody without a session, on any stage', () => {
    expect(offersStaffPages({ state: 'signedOut' })).toBe(false);
    expect(offersStaffPages({ state: 'loading' })).toBe(false);
  });
});

describe('where sign-in leads', () => {
  it('goes where the resident was going', () => {
    expect(afterSignIn(profile(), '/neighbourhoods/0501-abc')).toBe('/neighbourhoods/0501-abc');
    expect(afterSignIn(profile(), '/join?code=K7QF-2M9X-PD')).toBe('/join?code=K7QF-2M9X-PD');
  });

  it('else to the join wizard without an address, to the profile with one', () => {
    expect(afterSignIn(profile(), null)).toBe('/join');
    // a name never chosen is asked first, whatever the destination, except a letter's link to /join
    expect(afterSignIn(profile({ name_chosen: false }, 'verified'), '/neighbourhoods/0501-abc')).toBe('/join');
    expect(afterSignIn(profile({ name_chosen: false }), '/join?code=K7QF-2M9X-PD')).toBe('/join?code=K7QF-2M9X-PD');
    expect(afterSignIn(profile({}, 'pending'), null)).toBe('/me');
    expect(afterSignIn(profile({}, 'verified'), '')).toBe('/me');
  });

  it('takes commune staff who live elsewhere to their admin page, never to the join wizard', () => {
    const clerk = profile({ staff: [{ lau2: '0501', role: 'verifier' }], name_chosen: false });
    expect(afterSignIn(clerk, null)).toBe('/admin/0501');
    const twoCommunes = profile({ staff: [{ lau2: '0501', role: 'verifier' }, { lau2: '0502', role: 'admin' }, { lau2: '0501', role: 'admin' }] });
    expect(afterSignIn(twoCommunes, null)).toBe('/admin');
    expect(afterSignIn(clerk, '/admin/0501')).toBe('/admin/0501');
    // staff who are also residents are residents first
    expect(afterSignIn(profile({ staff: [{ lau2: '0501', role: 'admin' }] }, 'verified'), null)).toBe('/me');
  });

  it.each(['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/sign-in?next=/me', '/api/v1/me', '/x\n'])(
    'ignores the unsafe next %j',
    (next) => {
      expect(safeNext(next)).toBeNull();
    },
  );

  it('builds the sign-in link that comes back', () => {
    expect(signInHref('/join?code=AB CD')).toBe('/sign-in?next=%2Fjoin%3Fcode%3DAB%20CD');
    expect(signInHref('/')).toBe('/sign-in');
    expect(signInHref('/sign-in?next=%2Fme')).toBe('/sign-in');
  });

  it('reads a query parameter of an in-app path', () => {
    expect(queryParam('/join?code=K7QF-2M9X-PD#x', 'code')).toBe('K7QF-2M9X-PD');
    expect(queryParam('/sign-in?next=%2Fjoin%3Fcode%3DX', 'next')).toBe('/join?code=X');
    expect(queryParam('/join', 'code')).toBeNull();
  });
});
