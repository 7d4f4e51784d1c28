import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type ApiClient = Client<paths>;
export type Health = components['schemas']['Health'];
export type ErrorResponse = components['schemas']['ErrorResponse'];

/** Builds a typed client; the browser uses same-origin paths (`/api/v1/...`). */
export function createApiClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}): ApiClient {
  return createClient<paths>({ baseUrl: options.baseUrl ?? '', ...(options.fetch ? { fetch: options.fetch } : {}) });
}

/** The app's client: `api.GET('/api/v1/health')`. */
export const api: ApiClient = createApiClient();
