import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import { httpVerificationApi } from './verification-api';

describe('the letters request', () => {
  it('asks for the PDF itself (API Gateway answers binary bodies only to requests that accept them)', async () => {
    const seen: Request[] = [];
    const fetch = async (input: Request) => {
      seen.push(input);
      return new Response(new Blob(['%PDF-1.4']), { status: 201, headers: { 'Content-Type': 'application/pdf' } });
    };
    const api = httpVerificationApi(createApiClient({ baseUrl: 'http://x', fetch: fetch as typeof globalThis.fetch, cookies: () => '' }));

    const outcome = await api.letters('0501', { pending: true });

    expect(seen[0]?.headers.get('Accept')).toBe('application/pdf');
    expect(outcome.ok).toBe(true);
  });
});
