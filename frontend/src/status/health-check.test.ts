import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import { checkHealth } from './health-check';

const checkedAt = new Date('2025-03-01T12:00:00Z');

function clientAnswering(respond: (request: Request) => Promise<Response>) {
  return createApiClient({ baseUrl: 'http://noper.test', fetch: (input) => respond(input as Request) });
}

const json = (status: number, body: unknown) =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

describe('checkHealth', () => {
  it('asks GET /api/v1/health and reports a healthy API', async () => {
    let asked = '';
    const client = clientAnswering((request) => {
      asked = `${request.method} ${new URL(request.url).pathname}`;
      return json(200, { status: 'ok', stage: 'local', version: '0.1.0' });
    });
    expect(await checkHealth(client, () => checkedAt)).toEqual({
      state: 'ok',
      stage: 'local',
      version: '0.1.0',
      checkedAt,
    });
    expect(asked).toBe('GET /api/v1/health');
  });

  it('reports a 503 as unavailable with its stage and version', async () => {
    const client = clientAnswering(() => json(503, { status: 'unavailable', stage: 'prod', version: '1.2.3' }));
    expect(await checkHealth(client, () => checkedAt)).toMatchObject({ state: 'unavailable', stage: 'prod' });
  });

  it('reports a server error page as an error', async () => {
    const client = clientAnswering(() => Promise.resolve(new Response('<h1>Bad gateway</h1>', { status: 502 })));
    expect(await checkHealth(client, () => checkedAt)).toEqual({ state: 'error', checkedAt });
  });

  it('reports a network failure as an error', async () => {
    const client = clientAnswering(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await checkHealth(client, () => checkedAt)).toEqual({ state: 'error', checkedAt });
  });
});
