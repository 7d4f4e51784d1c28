import { describe, expect, it } from 'vitest';
import { WhereIHelp } from '../profile/where-i-help.svelte';
import { matchRoute } from '../router/routes';
import { closedDoor, joinHref, moderatesHere, moderationDesks, signInReason } from './doors';
import type { Profile } from './session-api';
import { profile } from './test-profile';

const HOME = { id: '0501-aaa', name: 'Hupperdange' };
const resident = (status: Profile['residence']['status'], overrides: Partial<Profile> = {}): Profile => {
  const base = profile(overrides, status);
  return { ...base, residence: { ...base.residence, neighbourhood: status === 'none' ? null : HOME } };
};
const STAFF = { staff: [{ lau2: '0501', role: 'admin' as const }], roles: ['resident', 'staff:admin'] };

describe('closedDoor', () => {
  const feed = matchRoute('/neighbourhoods/0501-aaa/posts');
  const post = matchRoute('/posts/P1');

  it('tells a pending resident opening a feed or a post link that their address is not verified yet', () => {
    expect(closedDoor(resident('pending'), feed)).toBe('notVerified');
    expect(closedDoor(resident('pending'), post)).toBe('notVerified');
    expect(closedDoor(resident('pending'), matchRoute('/items/I1'))).toBe('notVerified');
    expect(closedDoor(resident('pending'), matchRoute('/messages'))).toBe('notVerified');
  });

  it('lets a pending resident see their own neighbourhood page (it says how to get verified)', () => {
    expect(closedDoor(resident('pending'), matchRoute('/neighbourhoods/0501-aaa'))).toBeNull();
  });

  it('sends someone without an address to join, and staff who live elsewhere to their admin page', () => {
    expect(closedDoor(resident('none'), feed)).toBe('notJoined');
    expect(closedDoor(resident('none'), matchRoute('/neighbourhoods/0501-aaa'))).toBe('notJoined');
    expect(closedDoor(resident('none', STAFF), feed)).toBe('staffElsewhere');
  });

  it('lets the API tell staff who moderates a neighbourhood, and opens every screen to verified residents', () => {
    expect(closedDoor(resident('none', STAFF), matchRoute('/neighbourhoods/0501-aaa/moderation'))).toBeNull();
    expect(closedDoor(resident('none'), matchRoute('/neighbourhoods/0501-aaa/moderation'))).toBe('notJoined');
    expect(closedDoor(resident('verified'), feed)).toBeNull();
    expect(closedDoor(resident('verified'), post)).toBeNull();
  });

  it('leaves screens that are not a neighbourhood alone', () => {
    for (const path of ['/', '/join', '/me', '/communes/0501', '/admin', '/sign-in']) {
      expect(closedDoor(resident('pending'), matchRoute(path)), path).toBeNull();
      expect(closedDoor(resident('none'), matchRoute(path)), path).toBeNull();
    }
  });
});

describe('signInReason', () => {
  it('says neighbourhoods are for their residents, naming the neighbourhood to join when the link does', () => {
    expect(signInReason('/neighbourhoods/0501-aaa')).toEqual({ reason: 'neighbourhood', neighbourhoodId: '0501-aaa' });
    expect(signInReason('/neighbourhoods/0501-aaa/posts')).toEqual({ reason: 'neighbourhood', neighbourhoodId: '0501-aaa' });
    expect(signInReason('/posts/P1')).toEqual({ reason: 'neighbourhood', neighbourhoodId: null });
  });

  it('explains the join path and the admin pages, and says nothing for other pages', () => {
    expect(signInReason('/join?neighbourhood=0501-aaa')).toEqual({ reason: 'join' });
    expect(signInReason('/admin/0501')).toEqual({ reason: 'admin' });
    expect(signInReason('/me')).toBeNull();
    expect(signInReason(null)).toBeNull();
    expect(signInReason('https://elsewhere.example/neighbourhoods/x')).toBeNull();
  });

  it('opens the join wizard on a neighbourhood', () => {
    expect(joinHref('0501-aaa')).toBe('/join?neighbourhood=0501-aaa');
    expect(joinHref(null)).toBe('/join');
  });
});

describe('moderation desks', () => {
  const moderator = resident('verified', { roles: ['resident', 'moderator:0501'] });

  it("lists an ambassador's neighbourhood and every neighbourhood of a moderator's commune", () => {
    const ambassador = resident('verified', { roles: ['resident', 'ambassador:0501-aaa'] });
    expect(moderationDesks(ambassador, {})).toEqual([HOME]);
    const communes = { '0501': [{ id: '0501-bbb', name: 'Clervaux' }, HOME], '0999': [{ id: '0999-x', name: 'Elsewhere' }] };
    expect(moderationDesks(moderator, communes)).toEqual([{ id: '0501-bbb', name: 'Clervaux' }, HOME]);
    expect(moderationDesks(resident('verified'), communes)).toEqual([]);
  });

  it('knows who moderates a neighbourhood', () => {
    expect(moderatesHere(moderator, '0501-bbb')).toBe(true);
    expect(moderatesHere(moderator, '0999-x')).toBe(false);
    expect(moderatesHere(resident('verified', { roles: ['resident', 'ambassador:0501-aaa'] }), '0501-aaa')).toBe(true);
  });

  it("loads the moderator's communes' neighbourhoods for the profile's links", async () => {
    const asked: string[] = [];
    const help = new WhereIHelp({
      neighbourhoods: async (lau2) => {
        asked.push(lau2);
        return { ok: true, data: { neighbourhoods: [{ id: '0501-bbb', name: 'Clervaux', address_count: 3 }] } };
      },
    });
    await help.load(moderator);
    expect(asked).toEqual(['0501']);
    expect(help.desks).toEqual([{ id: '0501-bbb', name: 'Clervaux' }]);
    const none = new WhereIHelp({ neighbourhoods: async () => { throw new Error('not asked'); } });
    await none.load(resident('verified'));
    expect(none.desks).toEqual([]);
  });
});
