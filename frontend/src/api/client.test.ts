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
