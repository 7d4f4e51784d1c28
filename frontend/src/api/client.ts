import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';
import { retryAfterSeconds } from '../lib/retry-after';

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
export type Invitation = Schemas['Invitation'];
export type DataExport = Schemas['DataExport'];
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
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Paths whose POST the API declares with an `Idempotency-Key` header (the creations), from the generated types. */
type IdempotentPath = {
  [P in keyof paths]: paths[P] extends { post: { parameters: { header?: infer H } } }
    ? [NonNullable<H>] extends [never] ? never : typeof IDEMPOTENCY_HEADER extends keyof NonNullable<H> ? P : never
    : never;
}[keyof paths];

/** The creations: each submission sends one key, and its retries the same (the API then answers the first
 * attempt's answer instead of creating twice). */
const IDEMPOTENT_PATHS = [
  '/api/v1/neighbourhoods/{neighbourhood_id}/posts',
  '/api/v1/posts/{post_id}/comments',
  '/api/v1/items/{item_id}/comments',
  '/api/v1/conversations',
  '/api/v1/conversations/{conversation_id}/messages',
  '/api/v1/neighbourhoods/{neighbourhood_id}/items',
  '/api/v1/items/{item_id}/loans',
  '/api/v1/neighbourhoods/{neighbourhood_id}/events',
  '/api/v1/events/{event_id}/comments',
  '/api/v1/neighbourhoods/{neighbourhood_id}/volunteering',
  '/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up',
  '/api/v1/volunteering/{call_id}/comments',
  '/api/v1/publish/volunteering',
  '/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/comments',
] as const satisfies readonly IdempotentPath[];
// A new creation in the API and not listed above fails the type check, naming its path.
type Unlisted = Exclude<IdempotentPath, (typeof IDEMPOTENT_PATHS)[number]>;
const everyCreationListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyCreationListed;
const IDEMPOTENT = new Set<string>(IDEMPOTENT_PATHS);

/** How often a creation is sent again by itself when the API is briefly away (503, no answer), and the
 * longest wait between (Retry-After, in seconds) before the screen shows the problem instead. */
export const AUTOMATIC_RETRIES = 2;
const LONGEST_WAIT_S = 5;

/** One key per submission: the same method, path and body reuse their key until the API gave a definite
 * answer (2xx, 4xx), so a retry (automatic, or the resident pressing Send again) is the same submission;
 * an answered submission, or a changed one, gets a new key. */
export class SubmissionKeys {
  private readonly pending = new Map<string, string>();
  constructor(private readonly makeKey: () => string = () => crypto.randomUUID()) {}

  keyFor(submission: string): string {
    let key = this.pending.get(submission);
    if (!key) {
      key = this.makeKey();
      this.pending.set(submission, key);
    }
    return key;
  }

  answered(submission: string): void {
    this.pending.delete(submission);
  }
}

/** Sends a creation again, with its key, while the API answers 503 or not at all (up to AUTOMATIC_RETRIES). */
export function retryingFetch(
  base: typeof fetch,
  wait: (seconds: number) => Promise<void> = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000)),
): typeof fetch {
  return async (input, init) => {
    if (!(input instanceof Request) || !input.headers.has(IDEMPOTENCY_HEADER)) return base(input, init);
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= AUTOMATIC_RETRIES;
      let response: Response;
      try {
        response = await base(last ? input : input.clone(), init);
      } catch (error) {
        if (last || (error instanceof DOMException && error.name === 'AbortError')) throw error;
        await wait(1);
        continue;
      }
      if (response.status !== 503 || last) return response;
      await wait(Math.min(retryAfterSeconds(response.headers.get('Retry-After'), new Date(), 1), LONGEST_WAIT_S));
    }
  };
}

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
  options: {
    baseUrl?: string; fetch?: typeof fetch; cookies?: () => string; keys?: SubmissionKeys;
    wait?: (seconds: number) => Promise<void>;
  } = {},
): ApiClient {
  const base = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? '', fetch: retryingFetch(base, options.wait) });
  const cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
  const keys = options.keys ?? new SubmissionKeys();
  const submissions = new WeakMap<Request, string>();
  client.use({
    async onRequest({ request, schemaPath }) {
      const token = SAFE_METHODS.has(request.method) ? null : csrfToken(cookies());
      if (token) request.headers.set('X-CSRF-Token', token);
      if (request.method === 'POST' && IDEMPOTENT.has(schemaPath) && !request.headers.has(IDEMPOTENCY_HEADER)) {
        const submission = `${request.url}\n${await request.clone().text()}`;
        request.headers.set(IDEMPOTENCY_HEADER, keys.keyFor(submission));
        submissions.set(request, submission);
      }
      return request;
    },
    onResponse({ request, response }) {
      const submission = submissions.get(request);
      // 5xx, or 409 "still in progress" (with Retry-After): the same submission may be sent again, same key.
      const unsettled = response.status >= 500 || (response.status === 409 && response.headers.has('Retry-After'));
      if (submission !== undefined && !unsettled) keys.answered(submission);
      return undefined;
    },
  });
  return client;
}

/** The app's client: `api.GET('/api/v1/health')`. */
export const api: ApiClient = createApiClient();
