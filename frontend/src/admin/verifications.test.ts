import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { lettersFilename, type Decision, type LetterRequest, type PendingResident, type VerificationApi } from './verification-api';
import { PendingVerifications, VerificationLetters } from './verifications.svelte';

const resident = (id: string): PendingResident => ({
  user_id: id,
  display_name: `R ${id}`,
  email: `${id}@example.lu`,
  address: { id: 'a1', label: 'Gaass 1' },
  neighbourhood: { id: 'n1', label: 'Hupperdange' },
  claimed_at: '2026-11-01T00:00:00Z',
});

function fakeApi(decide: Outcome<unknown> = { ok: true, data: {} }, letters: Outcome<Blob> = { ok: true, data: new Blob(['%PDF']) }) {
  const calls = { decisions: [] as [string, Decision, string][], letters: [] as LetterRequest[] };
  const api: VerificationApi = {
    pending: async () => ({ ok: true, data: { residents: [resident('a'), resident('b')] } }),
    decide: async (_lau2, userId, decision, reason) => {
      calls.decisions.push([userId, decision, reason]);
      return decide;
    },
    letters: async (_lau2, request) => {
      calls.letters.push(request);
      return letters;
    },
    poster: async () => letters,
  };
  return { api, calls };
}

describe('PendingVerifications', () => {
  it('pages on with the cursor, appending the next residents once', async () => {
    const cursors: (string | null | undefined)[] = [];
    const api: VerificationApi = {
      ...fakeApi().api,
      pending: async (_lau2, cursor) => {
        cursors.push(cursor);
        return cursor
          ? { ok: true, data: { residents: [resident('b'), resident('c')], cursor: null } }
          : { ok: true, data: { residents: [resident('a'), resident('b')], cursor: 'next' } };
      },
    };
    const list = new PendingVerifications(api, '0501');
    await list.load();
    expect(list.cursor).toBe('next');
    expect(await list.more()).toBe(2);
    expect(cursors).toEqual([undefined, 'next']);
    expect(list.list).toMatchObject({ state: 'ready', value: [{ user_id: 'a' }, { user_id: 'b' }, { user_id: 'c' }] });
    expect(list.cursor).toBeNull();
    expect(await list.more()).toBe(-1);
    expect(cursors).toHaveLength(2);
  });

  it('approves and takes the resident off the list, announcing it', async () => {
    const { api, calls } = fakeApi();
    const list = new PendingVerifications(api, '0501');
    await list.load();
    await list.decide(resident('a'), 'approve');
    expect(calls.decisions).toEqual([['a', 'approve', '']]);
    expect(list.list).toMatchObject({ state: 'ready', value: [{ user_id: 'b' }] });
    expect(list.news).toEqual({ state: 'decided', name: 'R a', decision: 'approve' });
  });

  it('rejects only with a reason', async () => {
    const { api, calls } = fakeApi();
    const list = new PendingVerifications(api, '0501');
    await list.load();
    list.startRejecting('b');
    await list.decide(resident('b'), 'reject');
    expect(list.reasonMissing).toBe(true);
    list.reason = ' Not in the register ';
    await list.decide(resident('b'), 'reject');
    expect(calls.decisions).toEqual([['b', 'reject', 'Not in the register']]);
    expect(list.rejecting).toBeNull();
  });

  it('keeps the resident listed when the decision failed', async () => {
    const list = new PendingVerifications(fakeApi({ ok: false, problem: problemFrom(403, null) }).api, '0501');
    await list.load();
    await list.decide(resident('a'), 'approve');
    expect(list.news).toMatchObject({ state: 'failed', problem: { kind: 'forbidden' } });
    expect(list.list).toMatchObject({ value: [{ user_id: 'a' }, { user_id: 'b' }] });
  });
});

describe('VerificationLetters', () => {
  it('asks for the letters and hands back the PDF', async () => {
    const { api, calls } = fakeApi();
    const letters = new VerificationLetters(api, '0501');
    expect(await letters.request({ neighbourhood_id: '0501-abc' })).toBeInstanceOf(Blob);
    expect(calls.letters).toEqual([{ neighbourhood_id: "0501-abc" }]);
    expect(letters.ready).toBe(true);
  });

  it('keeps the problem when there are no letters to print', async () => {
    const letters = new VerificationLetters(fakeApi(undefined, { ok: false, problem: problemFrom(409, null) }).api, '0501');
    expect(await letters.request({ pending: true })).toBeNull();
    expect(letters.problem?.kind).toBe('conflict');
  });

  it('names the PDF by commune, scope and day', () => {
    const day = new Date('2026-11-26T10:00:00Z');
    expect(lettersFilename('0501', { pending: true }, day)).toBe('noper-letters-0501-pending-2026-11-26.pdf');
    expect(lettersFilename('0501', { neighbourhood_id: '0501-abc' }, day)).toBe('noper-letters-0501-0501-abc-2026-11-26.pdf');
  });
});
