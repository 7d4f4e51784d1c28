import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

type Schemas = components['schemas'];

export type ApiClient = Client<paths>;
export type Health = Schemas['Health'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type Commune = Schemas['CommunePublic'];
export type NeighbourhoodSummary = Schemas['NeighbourhoodPublic'];
export type AddressMatch = Schemas['AddressSuggestion'];
export type AddressImportStarted = Schemas['AddressImportStarted'];
export type AddressImportReport = Schemas['AddressImportReport'];
export type Draft = Schemas['Draft'];
export type DraftNeighbourhood = Schemas['DraftNeighbourhood'];
export type DraftValidation = Schemas['DraftValidation'];
export type Publication = Schemas['Publication'];

/** Builds a typed client; the browser uses same-origin paths (`/api/v1/...`). */
export function createApiClient(options: { baseUrl?: string; fetch?: typeof fetch } = {}): ApiClient {
  return createClient<paths>({ baseUrl: options.baseUrl ?? '', ...(options.fetch ? { fetch: options.fetch } : {}) });
}

/** The app's client: `api.GET('/api/v1/health')`. */
export const api: ApiClient = createApiClient();
