import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import { httpCommuneApi } from './commune-api';

function recordingFetch(answer: (url: string) => Response) {
  const asked: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    asked.push(url.replace('http://noper.test', ''));
    return answer(url);
  }) as typeof fetch;
  return { fetchFn, asked };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

describe('httpCommuneApi', () => {
  it('asks the commune, neighbourhood and address paths', async () => {
    const { fetchFn, asked } = recordingFetch(() => json(200, { type: 'FeatureCollection', features: [] }));
    const api = httpCommuneApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn }));
    await api.commune('0501');
    await api.neighbourhoods('0501');
    await api.neighbourhoodShapes('0501');
    await api.searchAddresses('0501', 'kaesfurter 20');
    expect(asked).toEqual([
      '/api/v1/communes/0501',
      '/api/v1/communes/0501/neighbourhoods',
      '/api/v1/communes/0501/neighbourhoods.geojson',
      '/api/v1/communes/0501/addresses?q=kaesfurter%2020',
    ]);
  });

  it('reads 429 with Retry-After as a rate-limit problem', async () => {
    const { fetchFn } = recordingFetch(() => json(429, { error: { code: 'rate_limited', message: 'slow' } }, { 'Retry-After': '9' }));
    const api = httpCommuneApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn }));
    expect(await api.searchAddresses('0501', 'x')).toMatchObject({ ok: false, problem: { kind: 'rateLimited', retryAfter: 9 } });
  });

  it('drops shapes it cannot draw', async () => {
    const { fetchFn } = recordingFetch(() =>
      json(200, { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'a' }, geometry: { type: 'Point', coordinates: [6, 49] } }] }),
    );
    const api = httpCommuneApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn }));
    expect(await api.neighbourhoodShapes('0501')).toEqual({ ok: true, data: { type: 'FeatureCollection', features: [] } });
  });
});
