import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ManualTimers } from '../lib/fake-timers';
import { AddressImport, importProgress, POLL_MS } from './address-import.svelte';
import type { AddressImportReport, AdminApi } from './admin-api';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const report = (overrides: Partial<AddressImportReport>): AddressImportReport => ({
  import_id: '20250301120000abcdef12',
  filename: 'register.csv',
  status: 'running',
  created_at: '2025-03-01T12:00:00Z',
  finished_at: null,
  rows_total: 0,
  rows_done: 0,
  added: 0,
  updated: 0,
  unchanged: 0,
  retired: 0,
  kept: 0,
  would_retire: 0,
  active_before: 0,
  allow_retire: false,
  refused_count: 0,
  refused: [],
  error: null,
  ...overrides,
});

const file = (size = 1200) => Object.assign(new Blob(['x'.repeat(size)]), { name: 'register.csv' });

function fakeApi(reports: Outcome<AddressImportReport>[], start?: Outcome<unknown>) {
  const asked: string[] = [];
  const api = {
    startImport: (lau2: string, body: { filename: string; size: number }) => {
      asked.push(`start ${lau2} ${body.filename} ${body.size}`);
      return Promise.resolve(
        start ?? { ok: true, data: { import_id: 'imp1', upload: { url: 'http://s3.test/uploads', fields: { key: 'k' } }, max_bytes: 5000 } },
      );
    },
    importReport: (lau2: string, id: string) => {
      asked.push(`report ${lau2} ${id}`);
      return Promise.resolve(reports.shift() ?? { ok: false, problem: problemFrom(500, null) });
    },
    confirmImport: (lau2: string, id: string) => {
      asked.push(`confirm ${lau2} ${id}`);
      return Promise.resolve({ ok: true, data: report({ status: 'waiting', allow_retire: true }) });
    },
  } as unknown as AdminApi;
  return { api, asked };
}

describe('importProgress', () => {
  it('is indeterminate while the total is unknown', () => {
    expect(importProgress(null)).toEqual({ value: 0, max: null, percent: null });
    expect(importProgress(report({ status: 'waiting' }))).toEqual({ value: 0, max: null, percent: null });
  });

  it('counts rows done of the total, floored to a whole percent and capped', () => {
    expect(importProgress(report({ rows_total: 3, rows_done: 2 }))).toEqual({ value: 2, max: 3, percent: 66 });
    expect(importProgress(report({ rows_total: 10, rows_done: 12 }))).toEqual({ value: 10, max: 10, percent: 100 });
  });

  it('is full for a finished empty import', () => {
    expect(importProgress(report({ status: 'done' }))).toEqual({ value: 1, max: 1, percent: 100 });
  });
});

describe('AddressImport', () => {
  it('asks for an upload, sends the file, then polls every second until the report is done', async () => {
    const timers = new ManualTimers();
    const done = report({ status: 'done', rows_total: 100, rows_done: 100, added: 97, refused_count: 3 });
    const { api, asked } = fakeApi([
      { ok: true, data: report({ status: 'waiting' }) },
      { ok: true, data: report({ rows_total: 100, rows_done: 40 }) },
      { ok: true, data: done },
    ]);
    const uploads: string[] = [];
    const upload = new AddressImport(api, '0501', {
      timers,
      upload: (target, blob) => {
        uploads.push(`${target.url} ${blob.size}`);
        return Promise.resolve(true);
      },
    });
    await upload.start(file());
    expect(asked).toEqual(['start 0501 register.csv 1200']);
    expect(uploads).toEqual(['http://s3.test/uploads 1200']);
    expect(upload.current).toMatchObject({ phase: 'processing', importId: 'imp1', report: null });

    timers.advance(0);
    await flush();
    expect(upload.current).toMatchObject({ phase: 'processing', report: { status: 'waiting' } });
    timers.advance(POLL_MS);
    await flush();
    expect(upload.current.phase === 'processing' && importProgress(upload.current.report).percent).toBe(40);
    timers.advance(POLL_MS);
    await flush();
    expect(upload.current).toEqual({ phase: 'done', filename: 'register.csv', report: done });
    expect(asked.filter((a) => a.startsWith('report'))).toHaveLength(3);
    timers.advance(10 * POLL_MS);
    expect(timers.pending).toBe(0);
  });

  it('stops at an import that needs confirmation, and follows it again once confirmed', async () => {
    const timers = new ManualTimers();
    const held = report({ status: 'needs_confirmation', would_retire: 24, active_before: 27 });
    const done = report({ status: 'done', retired: 24, allow_retire: true });
    const { api, asked } = fakeApi([{ ok: true, data: held }, { ok: true, data: done }]);
    const upload = new AddressImport(api, '0501', { timers, upload: () => Promise.resolve(true) });
    await upload.start(file());
    timers.advance(0);
    await flush();
    expect(upload.current).toEqual({ phase: 'confirm', filename: 'register.csv', importId: 'imp1', report: held });
    expect(upload.busy).toBe(false);
    timers.advance(10 * POLL_MS);
    expect(asked.filter((a) => a.startsWith('report'))).toHaveLength(1); // no polling while it waits for the admin

    await upload.confirm();
    expect(asked).toContain('confirm 0501 imp1');
    timers.advance(0);
    await flush();
    expect(upload.current).toEqual({ phase: 'done', filename: 'register.csv', report: done });
  });

  it('refuses a file larger than the API allows before uploading', async () => {
    const timers = new ManualTimers();
    const { api } = fakeApi([]);
    let uploaded = false;
    const upload = new AddressImport(api, '0501', { timers, upload: () => Promise.resolve((uploaded = true)) });
    await upload.start(file(6000));
    expect(upload.current).toEqual({ phase: 'failed', filename: 'register.csv', reason: 'tooLarge', maxBytes: 5000 });
    expect(uploaded).toBe(false);
  });

  it('shows the API refusal (401 without a staff session)', async () => {
    const { api } = fakeApi([], { ok: false, problem: problemFrom(401, { error: { code: 'not_signed_in', message: 'Sign in' } }) });
    const upload = new AddressImport(api, '0501', { timers: new ManualTimers(), upload: () => Promise.resolve(true) });
    await upload.start(file());
    expect(upload.current).toMatchObject({ phase: 'failed', reason: 'api', problem: { kind: 'signedOut' } });
  });

  it('reports a failed upload to storage', async () => {
    const { api } = fakeApi([]);
    const upload = new AddressImport(api, '0501', { timers: new ManualTimers(), upload: () => Promise.resolve(false) });
    await upload.start(file());
    expect(upload.current).toEqual({ phase: 'failed', filename: 'register.csv', reason: 'upload' });
  });

  it('ends with the import’s own error when it failed', async () => {
    const timers = new ManualTimers();
    const failed = report({ status: 'failed', error: 'not a CSV' });
    const { api } = fakeApi([{ ok: true, data: failed }]);
    const upload = new AddressImport(api, '0501', { timers, upload: () => Promise.resolve(true) });
    await upload.start(file());
    timers.advance(0);
    await flush();
    expect(upload.current).toEqual({ phase: 'failed', filename: 'register.csv', reason: 'import', report: failed });
  });

  it('keeps polling through a few network blips, then gives up', async () => {
    const timers = new ManualTimers();
    const blip = { ok: false as const, problem: problemFrom(0, null) };
    const { api, asked } = fakeApi(Array.from({ length: 10 }, () => blip));
    const upload = new AddressImport(api, '0501', { timers, upload: () => Promise.resolve(true) });
    await upload.start(file());
    for (let i = 0; i < 10; i += 1) {
      timers.advance(POLL_MS);
      await flush();
    }
    expect(asked.filter((a) => a.startsWith('report'))).toHaveLength(6);
    expect(upload.current).toMatchObject({ phase: 'failed', reason: 'api', problem: { kind: 'network' } });
  });

  it('stops polling when the screen goes away', async () => {
    const timers = new ManualTimers();
    const { api, asked } = fakeApi([{ ok: true, data: report({}) }]);
    const upload = new AddressImport(api, '0501', { timers, upload: () => Promise.resolve(true) });
    await upload.start(file());
    upload.stop();
    timers.advance(5 * POLL_MS);
    await flush();
    expect(asked.filter((a) => a.startsWith('report'))).toEqual([]);
  });
});
