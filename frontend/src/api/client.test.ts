import { describe, expect, it } from 'vitest';
import { createApiClient, csrfToken } from './client';

describe('csrfToken', () => {
  it('reads the noper_csrf cookie among others', () => {
    expect(csrfToken('a=1; noper_csrf=abc%3D; b=2')).toBe('abc=');
    expect(csrfToken('a=1')).toBeNull();
  });
});

describe('the API client', () => {
  it('echoes the CSRF cookie on state-changing requests only', async () => {
    const seen: Request[] = [];
    const fetch = async (input: Request) => {
      seen.push(input);
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const client = createApiClient({ baseUrl: 'http://x', fetch: fetch as typeof globalThis.fetch, cookies: () => 'noper_csrf=t0k' });

    await client.GET('/api/v1/health');
    await client.DELETE('/api/v1/me/sessions');

    expect(seen[0]?.headers.get('X-CSRF-Token')).toBeNull();
    expect(seen[1]?.headers.get('X-CSRF-Token')).toBe('t0k');
  });

  it('sends every body as application/json, the only type the API takes', async () => {
    const seen: Request[] = [];
    const fetch = async (input: Request) => {
      seen.push(input);
      return new Response('{}', { status: 200, headers: { 'Content-Type': 'application/json' } });
    };
    const client = createApiClient({ baseUrl: 'http://x', fetch: fetch as typeof globalThis.fetch, cookies: () => '' });

    await client.POST('/api/v1/auth/code', { body: { email: 'anna@example.lu', language: 'lb' } });

    expect(seen[0]?.headers.get('Content-Type')).toBe('application/json');
    expect(await seen[0]?.text()).toBe('{"email":"anna@example.lu","language":"lb"}');
  });
});

describe('creations and their Idempotency-Key', () => {
  const POSTS = '/api/v1/neighbourhoods/{neighbourhood_id}/posts' as const;
  const params = { path: { neighbourhood_id: '0501-n1' } };
  const post = { post: { kind: 'discussion' as const, title: null, text: 'Street party?' } };

  function stack(answers: Array<number | 'offline'>) {
    const keys: Array<string | null> = [];
    const fetch = async (input: Request) => {
      keys.push(input.headers.get('Idempotency-Key'));
      const answer = answers.shift() ?? 201;
      if (answer === 'offline') throw new TypeError('Failed to fetch');
      return new Response('{}', { status: answer, headers: { 'Content-Type': 'application/json', 'Retry-After': '1' } });
    };
    const waits: number[] = [];
    const client = createApiClient({
      baseUrl: 'http://x', fetch: fetch as typeof globalThis.fetch, cookies: () => '',
      wait: async (seconds) => { waits.push(seconds); },
    });
    return { client, keys, waits };
  }

  it('sends one key per submission and the same key on its automatic retries', async () => {
    const { client, keys, waits } = stack([503, 'offline', 201, 201]);

    const first = await client.POST(POSTS, { params, body: post });
    const second = await client.POST(POSTS, { params, body: post });

    expect(first.response.status).toBe(201);
    expect(second.response.status).toBe(201);
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).toBe(keys[0]);
    expect(keys[3]).not.toBe(keys[0]); // the next submission, though its text is the same
    expect(waits).toEqual([1, 1]);
  });

  it('gives up after its retries, and the resident sending again is still the same submission', async () => {
    const { client, keys } = stack([503, 503, 503, 201]);

    const failed = await client.POST(POSTS, { params, body: post });
    const again = await client.POST(POSTS, { params, body: post });

    expect(failed.response.status).toBe(503);
    expect(again.response.status).toBe(201);
    expect(new Set(keys).size).toBe(1);
  });

  it('a changed submission gets a new key; other requests get none', async () => {
    const { client, keys } = stack([503, 503, 503, 201, 202]);

    await client.POST(POSTS, { params, body: post });
    await client.POST(POSTS, { params, body: { post: { ...post.post, text: 'Street party on Saturday?' } } });
    await client.POST('/api/v1/auth/code', { body: { email: 'anna@example.lu', language: 'lb' } });

    expect(keys[3]).not.toBe(keys[0]);
    expect(keys[4]).toBeNull();
  });
});
