import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { AddressMatch, CommuneApi } from '../communes/commune-api';
import { ManualTimers } from '../lib/fake-timers';
import { AddressSearch, SEARCH_DELAY_MS } from './address-search.svelte';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const address = (id: string, label: string, neighbourhood: AddressMatch['neighbourhood'] = null): AddressMatch => ({
  id,
  label,
  street: 'Kaesfurter Strooss',
  number: id,
  postcode: '9361',
  locality: 'Brandenbourg',
  neighbourhood,
});

type Answer = Outcome<{ addresses: AddressMatch[] }> | Promise<Outcome<{ addresses: AddressMatch[] }>>;

function fakeApi(answer: (query: string) => Answer) {
  const asked: string[] = [];
  const api: Pick<CommuneApi, 'searchAddresses'> = {
    searchAddresses: (lau2, query) => {
      asked.push(`${lau2}:${query}`);
      return Promise.resolve(answer(query));
    },
  };
  return { api: api as CommuneApi, asked };
}

describe('AddressSearch', () => {
  it('waits for a pause in typing, then asks once with the last query', async () => {
    const timers = new ManualTimers();
    const { api, asked } = fakeApi(() => ({ ok: true, data: { addresses: [address('20', 'Kaesfurter Strooss 20')] } }));
    const search = new AddressSearch(api, '0501', timers);
    search.input('kae');
    timers.advance(100);
    search.input('kaesfurter 20');
    timers.advance(SEARCH_DELAY_MS - 1);
    expect(asked).toEqual([]);
    timers.advance(1);
    await flush();
    expect(asked).toEqual(['0501:kaesfurter 20']);
    expect(search.status).toEqual({ state: 'found', count: 1 });
    expect(search.combobox).toEqual({ count: 1, active: -1, expanded: true });
  });

  it('does not search for fewer than two characters', () => {
    const timers = new ManualTimers();
    const { api, asked } = fakeApi(() => ({ ok: true, data: { addresses: [] } }));
    const search = new AddressSearch(api, '0501', timers);
    search.input('k');
    timers.advance(1000);
    expect(asked).toEqual([]);
    expect(search.status).toEqual({ state: 'idle' });
  });

  it('chooses with ArrowDown and Enter and shows the neighbourhood', async () => {
    const timers = new ManualTimers();
    const matches = [address('18', 'Kaesfurter Strooss 18'), address('20', 'Kaesfurter Strooss 20', { id: 'n7', name: 'Uewerduerf' })];
    const { api } = fakeApi(() => ({ ok: true, data: { addresses: matches } }));
    const search = new AddressSearch(api, '0501', timers);
    search.input('kaesfurter');
    timers.advance(SEARCH_DELAY_MS);
    await flush();
    expect(search.key('ArrowDown')).toBe(true);
    expect(search.key('ArrowDown')).toBe(true);
    expect(search.key('Enter')).toBe(true);
    expect(search.chosen?.neighbourhood).toEqual({ id: 'n7', name: 'Uewerduerf' });
    expect(search.query).toBe('Kaesfurter Strooss 20');
    expect(search.combobox.expanded).toBe(false);
    expect(search.status).toEqual({ state: 'idle' });
  });

  it('ignores an older answer that arrives after a newer one', async () => {
    const timers = new ManualTimers();
    let releaseSlow: (value: Outcome<{ addresses: AddressMatch[] }>) => void = () => undefined;
    const { api } = fakeApi((query) =>
      query === 'slow'
        ? new Promise((resolve) => {
            releaseSlow = resolve;
          })
        : { ok: true, data: { addresses: [address('1', 'Fast 1')] } },
    );
    const search = new AddressSearch(api, '0501', timers);
    search.input('slow');
    timers.advance(SEARCH_DELAY_MS);
    search.input('fast');
    timers.advance(SEARCH_DELAY_MS);
    await flush();
    releaseSlow({ ok: true, data: { addresses: [address('9', 'Slow 9')] } });
    await flush();
    expect(search.matches.map((m) => m.label)).toEqual(['Fast 1']);
  });

  it('on 429 says how long to wait and asks again after Retry-After', async () => {
    const timers = new ManualTimers();
    let calls = 0;
    const { api, asked } = fakeApi(() =>
      ++calls === 1
        ? { ok: false, problem: problemFrom(429, { error: { code: 'rate_limited', message: '' } }, '3') }
        : { ok: true, data: { addresses: [address('20', 'Kaesfurter Strooss 20')] } },
    );
    const search = new AddressSearch(api, '0501', timers);
    search.input('kaesfurter');
    timers.advance(SEARCH_DELAY_MS);
    await flush();
    expect(search.status).toEqual({ state: 'rateLimited', retryAfter: 3 });
    timers.advance(2999);
    expect(asked).toHaveLength(1);
    timers.advance(1);
    await flush();
    expect(asked).toHaveLength(2);
    expect(search.status).toEqual({ state: 'found', count: 1 });
  });

  it('reports an error without throwing', async () => {
    const timers = new ManualTimers();
    const { api } = fakeApi(() => ({ ok: false, problem: problemFrom(500, null) }));
    const search = new AddressSearch(api, '0501', timers);
    search.input('kaesfurter');
    timers.advance(SEARCH_DELAY_MS);
    await flush();
    expect(search.status).toEqual({ state: 'error' });
    expect(search.combobox.expanded).toBe(false);
  });
});
