import { retryAfterSeconds } from '../lib/retry-after';

/** What went wrong with an API call, in a shape every screen can show. */
export interface ApiProblem {
  /** HTTP status; 0 when the API could not be reached. */
  status: number;
  code: string;
  /** The API's own message (English); screens show a translated message by `kind` first. */
  message: string;
  /** Field name → reason, for errors that belong next to an input. */
  fields: Record<string, string>;
  kind: ProblemKind;
  /** Seconds to wait before asking again (429; 503 while the database is away). */
  retryAfter?: number;
}

export type ProblemKind = 'network' | 'signedOut' | 'forbidden' | 'notFound' | 'rateLimited' | 'invalid' | 'conflict' | 'server';

export function problemKind(status: number): ProblemKind {
  if (status === 0) return 'network';
  if (status === 401) return 'signedOut';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'notFound';
  if (status === 409) return 'conflict';
  if (status === 429) return 'rateLimited';
  if (status >= 400 && status < 500) return 'invalid';
  return 'server';
}

/** Reads a `{"error": {"code", "message", "fields"}}` body defensively; anything else still gives a problem. */
export function problemFrom(status: number, body: unknown, retryAfterHeader?: string | null, now: Date = new Date()): ApiProblem {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const fields: Record<string, string> = {};
  if (isRecord(error.fields)) {
    for (const [name, reason] of Object.entries(error.fields)) {
      if (typeof reason === 'string') fields[name] = reason;
    }
  }
  const problem: ApiProblem = {
    status,
    code: typeof error.code === 'string' ? error.code : `http_${status}`,
    message: typeof error.message === 'string' ? error.message : '',
    fields,
    kind: problemKind(status),
  };
  if (status === 429 || status === 503) problem.retryAfter = retryAfterSeconds(retryAfterHeader, now);
  return problem;
}

export const networkProblem = (): ApiProblem => ({ status: 0, code: 'network', message: '', fields: {}, kind: 'network' });

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
