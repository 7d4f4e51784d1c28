import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { forgetEverythingKept, Kept } from './kept';

describe('answers kept between screens', () => {
  function counting(answer: () => Outcome<number>) {
    let asked = 0;
    return { ask: async () => { asked += 1; return answer(); }, asked: () => asked };
  }

  it('asks once while the answer is fresh, shares a request in flight, and asks again once it is old', async () => {
    let now = 0;
    const kept = new Kept<number>(1000, () => now);
    const api = counting(() => ({ ok: true, data: 7 }));
    const [first, second] = await Promise.all([kept.get('n1', api.ask), kept.get('n1', api.ask)]);
    expect(first).toEqual({ ok: true, data: 7 });
    expect(second).toEqual(first);
    now = 999;
    await kept.get('n1', api.ask);
    expect(api.asked()).toBe(1);
    now = 1000;
    await kept.get('n1', api.ask);
    expect(api.asked()).toBe(2);
  });

  it('asks again after being told of a change, and never keeps a failure', async () => {
    const kept = new Kept<number>(60_000);
    const api = counting(() => ({ ok: true, data: 1 }));
    await kept.get('n1', api.ask);
    kept.forget('n1');
    await kept.get('n1', api.ask);
    await kept.get('n2', api.ask);
    kept.forget();
    await kept.get('n2', api.ask);
    expect(api.asked()).toBe(4);
    const failing = counting(() => ({ ok: false, problem: problemFrom(503, null) }));
    await kept.get('n3', failing.ask);
    await kept.get('n3', failing.ask);
    expect(failing.asked()).toBe(2);
  });
});

describe('a change of person', () => {
  it('forgets what every store kept', async () => {
    const members = new Kept<number>(60_000);
    const loans = new Kept<number>(60_000);
    let asked = 0;
    const ask = async (): Promise<Outcome<number>> => ({ ok: true, data: ++asked });
    await members.get('n1', ask);
    await loans.get('mine', ask);
    forgetEverythingKept();
    expect(await members.get('n1', ask)).toEqual({ ok: true, data: 3 });
    expect(await loans.get('mine', ask)).toEqual({ ok: true, data: 4 });
  });
});
