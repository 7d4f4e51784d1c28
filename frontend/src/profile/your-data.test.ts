import { describe, expect, it } from 'vitest';
import type { DataExport } from '../api/client';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ASK_AGAIN_MS, LINK_FRESH_MS, YourData, type YourDataApi } from './your-data.svelte';

const T0 = Date.parse('2026-12-06T10:00:00Z');
const ready = (url = 'https://s3.example/exports/u/abc.json?sig'): DataExport => ({
  state: 'ready', requested_at: '2026-12-06T10:00:00+00:00', ready_at: '2026-12-06T10:00:05+00:00',
  expires_at: '2026-12-13T10:00:05+00:00', size: 1234, download_url: url,
});
const preparing: DataExport = { state: 'preparing', requested_at: '2026-12-06T10:00:00+00:00', ready_at: null, expires_at: null, size: null, download_url: null };
const none: Outcome<DataExport> = { ok: false, problem: problemFrom(404, { error: { code: 'not_found', message: 'none', fields: {} } }) };

function fake(latest: Outcome<DataExport>[], prepare: Outcome<DataExport> = { ok: true, data: preparing }) {
  const calls: string[] = [];
  const api: YourDataApi = {
    latest: async () => {
      calls.push('latest');
      return latest.shift() ?? none;
    },
    prepare: async () => {
      calls.push('prepare');
      return prepare;
    },
  };
  return { api, calls };
}

describe('YourData', () => {
  it('offers to prepare when none was asked (404), then says it is being prepared', async () => {
    const { api, calls } = fake([none]);
    const data = new YourData(api, () => T0);
    await data.load();
    expect(data.step).toBe('none');
    expect(data.problem).toBeNull();
    expect(data.canPrepare).toBe(true);

    await data.prepare();

    expect(data.step).toBe('preparing');
    expect(data.canPrepare).toBe(false);
    expect(calls).toEqual(['latest', 'prepare']);
  });

  it('downloads with the link it has while fresh, and asks again for one that may have lapsed', async () => {
    let now = T0;
    const { api, calls } = fake([{ ok: true, data: ready('first') }, { ok: true, data: ready('second') }]);
    const data = new YourData(api, () => now);
    await data.load();
    const opened: string[] = [];

    await data.download((url) => opened.push(url));
    now += LINK_FRESH_MS + 1;
    await data.download((url) => opened.push(url));

    expect(opened).toEqual(['first', 'second']);
    expect(calls).toEqual(['latest', 'latest']);
  });

  it('offers a fresh copy of a ready one only an hour after it was asked, and at once when it expired', async () => {
    let now = T0 + 60_000;
    const { api } = fake([{ ok: true, data: ready() }, { ok: true, data: { ...ready(), state: 'expired', download_url: null } }]);
    const data = new YourData(api, () => now);
    await data.load();
    expect(data.canPrepare).toBe(false);
    now = T0 + ASK_AGAIN_MS + 1;
    expect(data.canPrepare).toBe(true);

    await data.load();

    expect(data.step).toBe('expired');
    expect(data.canPrepare).toBe(true);
  });

  it('keeps another problem to show', async () => {
    const { api } = fake([{ ok: false, problem: problemFrom(500, null) }]);
    const data = new YourData(api, () => T0);
    await data.load();
    expect(data.step).toBe('unknown');
    expect(data.problem?.kind).toBe('server');
  });
});
