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
export type Profile = Schemas['Profile'];
export type StaffRoleGrant = Schemas['StaffRoleGrant'];
export type SessionPublic = Schemas['SessionPublic'];
export type ResidenceStatus = Schemas['Residence']['status'];
export type ProfileUpdate = Schemas['ProfileUpdate'];
export type SpokenLanguage = Schemas['Profile']['languages'][number];
export type NeighbourhoodInside = Schemas['NeighbourhoodInside'];
export type Member = Schemas['Member'];
export type PendingNeighbour = Schemas['PendingNeighbour'];
export type PendingList = Schemas['PendingList'];
export type VouchResult = Schemas['VouchResult'];
export type PendingResident = Schemas['PendingResident'];
export type VerificationDecision = Schemas['VerificationDecision'];
export type LetterBatchRequest = Schemas['LetterBatchRequest'];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token the API set at sign-in (a readable cookie), or null. */
export function csrfToken(cookies: string): string | null {
  for (const part of cookies.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'noper_csrf' && value.length) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** Builds a typed client; the browser uses same-origin paths (`/api/v1/...`). State-changing
 * requests echo the CSRF cookie in `X-CSRF-Token`, as the API requires of signed-in requests. */
export function createApiClient(
  options: { baseUrl?: string; fetch?: typeof fetch; cookies?: () => string } = {},
): ApiClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? '', ...(options.fetch ? { fetch: options.fetch } : {}) });
  const cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
  client.use({
    onRequest({ request }) {
      const token = SAFE_METHODS.has(request.method) ? null : csrfToken(cookies());
      if (token) request.headers.set('X-CSRF-Token', token);
      return request;
    },
  });
  return client;
}

/** The app's client: `api.GET('/api/v1/health')`. */
export const api: ApiClient = createApiClient();
