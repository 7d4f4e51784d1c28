import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { DigestApi, DigestRunReport } from './digest-api';
import { DigestRun } from './digest-run.svelte';

const report = (dryRun: boolean): DigestRunReport => ({
  week: '2026-W48',
  dry_run: dryRun,
  neighbourhoods: 2,
  residents: 10,
  sent: dryRun ? 0 : 7,
  would_send: dryRun ? 7 : 0,
  already_sent: 0,
  nothing_new: 2,
  not_wanted: 1,
  read_everything: 0,
  failed: 0,
});

function fakeApi(stage = 'local', fails = false) {
  const calls: [string, boolean][] = [];
  const api: DigestApi = {
    stage: async () => ({ ok: true, data: stage }),
    run: async (lau2, dryRun) => {
      calls.push([lau2, dryRun]);
      return fails ? { ok: false, problem: problemFrom(404, { error: { message: 'local only' } }, null) } : { ok: true, data: report(dryRun) };
    },
  };
  return { api, calls };
}

describe('DigestRun', () => {
  it('offers the button on the local stage only', async () => {
    const local = new DigestRun(fakeApi('local').api, '0501');
    const prod = new DigestRun(fakeApi('prod').api, '0501');
    await local.load();
    await prod.load();
    expect(local.local).toBe(true);
    expect(prod.local).toBe(false);
  });

  it('previews, then runs, for its commune', async () => {
    const { api, calls } = fakeApi();
    const run = new DigestRun(api, '0501');
    await run.run(true);
    expect(run.report).toMatchObject({ would_send: 7, sent: 0 });
    await run.run(false);
    expect(run.report).toMatchObject({ sent: 7 });
    expect(calls).toEqual([
      ['0501', true],
      ['0501', false],
    ]);
  });

  it('shows the problem when the API refuses', async () => {
    const run = new DigestRun(fakeApi('local', true).api, '0501');
    await run.run(false);
    expect(run.report).toBeNull();
    expect(run.problem?.status).toBe(404);
    expect(run.running).toBe(false);
  });
});
