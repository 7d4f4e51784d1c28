import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import { httpAdminApi, uploadToStorage } from './admin-api';

function recordingFetch(status = 200, body: unknown = {}) {
  const requests: { method: string; url: string; body: unknown }[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (input instanceof Request) {
      const text = await input.text();
      requests.push({ method: input.method, url: input.url, body: text || null });
    } else {
      requests.push({ method: init?.method ?? 'GET', url: String(input), body: init?.body ?? null });
    }
    return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }) as typeof fetch;
  return { fetchFn, requests };
}

describe('httpAdminApi', () => {
  it('calls the contract’s paths and bodies', async () => {
    const { fetchFn, requests } = recordingFetch();
    const api = httpAdminApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn }));
    await api.startImport('0501', { filename: 'a.csv', size: 10 });
    await api.importReport('0501', 'imp1');
    await api.propose('0501', 300);
    await api.rename('0501', 'n1', 'Uewerduerf', 4);
    await api.merge('0501', ['n1', 'n2']);
    await api.split('0501', 'n2');
    await api.publish('0501', 4);
    expect(requests.map((r) => `${r.method} ${r.url.replace('http://noper.test', '')} ${r.body ?? ''}`)).toEqual([
      'POST /api/v1/communes/0501/address-imports {"filename":"a.csv","size":10}',
      'GET /api/v1/communes/0501/address-imports/imp1 ',
      'POST /api/v1/communes/0501/neighbourhood-draft/proposal {"households":300}',
      'PATCH /api/v1/communes/0501/neighbourhood-draft/n1 {"name":"Uewerduerf","version":4}',
      'POST /api/v1/communes/0501/neighbourhood-draft/merge {"ids":["n1","n2"],"name":null,"version":null}',
      'POST /api/v1/communes/0501/neighbourhood-draft/n2/split {"version":null}',
      'POST /api/v1/communes/0501/neighbourhood-draft/publish {"version":4}',
    ]);
  });

  it('turns an error answer into a problem with its fields', async () => {
    const { fetchFn } = recordingFetch(400, { error: { code: 'invalid_input', message: 'x', fields: { name: 'empty' } } });
    const outcome = await httpAdminApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn })).rename('0501', 'n1', '');
    expect(outcome).toMatchObject({ ok: false, problem: { kind: 'invalid', fields: { name: 'empty' } } });
  });
});

describe('uploadToStorage', () => {
  it('posts every policy field first and the file last, under "file"', async () => {
    const { fetchFn, requests } = recordingFetch(204, null);
    const ok = await uploadToStorage({ url: 'http://s3.test/bucket', fields: { key: 'imports/1.csv', policy: 'p', 'x-amz-signature': 's' } }, new Blob(['a;b']), fetchFn);
    expect(ok).toBe(true);
    const form = requests[0]?.body as FormData;
    expect(requests[0]?.url).toBe('http://s3.test/bucket');
    expect([...form.keys()]).toEqual(['key', 'policy', 'x-amz-signature', 'file']);
  });

  it('says false when storage refuses or cannot be reached', async () => {
    expect(await uploadToStorage({ url: 'http://s3.test', fields: {} }, new Blob([]), recordingFetch(403).fetchFn)).toBe(false);
    expect(await uploadToStorage({ url: 'http://s3.test', fields: {} }, new Blob([]), (() => Promise.reject(new TypeError('CORS'))) as typeof fetch)).toBe(false);
  });
});
