import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { memberStreet, type NeighbourhoodApi, type PendingNeighbour, type VouchResult } from './neighbourhood-api';
import { NeighbourhoodPage } from './neighbourhood-page.svelte';

const waiting = (id: string): PendingNeighbour => ({ id, display_name: `N ${id}`, street: 'Gaass', vouched_by_me: false, same_household: false });

function fakeApi(vouch: Outcome<VouchResult> = { ok: true, data: { user_id: 'b', status: 'pending', households_vouching: 1 } }) {
  const calls = { members: 0, neighbourhood: 0, vouches: [] as string[] };
  const api: NeighbourhoodApi = {
    neighbourhood: async (id) => {
      calls.neighbourhood += 1;
      return { ok: true, data: { id, name: 'Hupperdange', lau2: '0501', member_count: 3 } };
    },
    members: async () => {
      calls.members += 1;
      return { ok: true, data: { members: [] } };
    },
    waiting: async () => ({ ok: true, data: { pending: [waiting('a'), waiting('b')], vouches_left_this_month: 5 } }),
    vouch: async (_id, userId) => {
      calls.vouches.push(userId);
      return vouch;
    },
  };
  return { api, calls };
}

describe('NeighbourhoodPage', () => {
  it('loads the lists only for a verified resident', async () => {
    const { api, calls } = fakeApi();
    const page = new NeighbourhoodPage(api, 'n');
    await page.load(false);
    expect(page.info).toMatchObject({ state: 'ready', value: { member_count: 3 } });
    expect(page.members).toBeNull();
    expect(calls.members).toBe(0);
    await page.load(true);
    expect(page.waiting).toMatchObject({ state: 'ready', value: { vouchesLeft: 5, neighbours: [{ id: 'a' }, { id: 'b' }] } });
  });

  it('a verified resident who knows its name gets its size from the member list, without asking for it', async () => {
    const { api, calls } = fakeApi();
    const page = new NeighbourhoodPage(api, '0501-n');
    await page.load(true, 'Hupperdange');
    expect(calls.neighbourhood).toBe(0);
    expect(page.info).toEqual({ state: 'ready', value: { id: '0501-n', name: 'Hupperdange', lau2: '0501', member_count: 0 } });
  });

  it('vouching marks the neighbour and announces it', async () => {
    const { api, calls } = fakeApi();
    const page = new NeighbourhoodPage(api, 'n');
    await page.load(true);
    await page.vouch(waiting('b'));
    expect(calls.vouches).toEqual(['b']);
    expect(page.news).toEqual({ state: 'vouched', name: 'N b', verified: false });
    expect(page.waiting).toMatchObject({ value: { vouchesLeft: 4, neighbours: [{ id: 'a' }, { id: 'b', vouched_by_me: true }] } });
  });

  it('a vouch that verifies the neighbour moves them to the members', async () => {
    const { api, calls } = fakeApi({ ok: true, data: { user_id: 'a', status: 'verified', households_vouching: 2 } });
    const page = new NeighbourhoodPage(api, 'n');
    await page.load(true);
    await page.vouch(waiting('a'));
    expect(page.waiting).toMatchObject({ value: { neighbours: [{ id: 'b' }] } });
    expect(calls.members).toBe(2);
    expect(page.news).toMatchObject({ verified: true });
  });

  it('says why a vouch failed', async () => {
    const page = new NeighbourhoodPage(fakeApi({ ok: false, problem: problemFrom(409, null) }).api, 'n');
    await page.load(true);
    await page.vouch(waiting('a'));
    expect(page.news).toMatchObject({ state: 'failed', name: 'N a', problem: { kind: 'conflict' } });
  });

  it('shows the house number only when the member chose to', () => {
    const member = { id: 'm', display_name: 'A', street: 'Gaass', house_number: null, languages: [], new_neighbour: false };
    expect(memberStreet(member)).toBe('Gaass');
    expect(memberStreet({ ...member, house_number: '12A' })).toBe('Gaass 12A');
  });
});
