import { networkProblem, problemFrom, type ApiProblem } from './problem';

/** An API answer: the data, or a problem a screen can show. */
export type Outcome<T> = { ok: true; data: T } | { ok: false; problem: ApiProblem };

/** Turns an openapi-fetch call into an Outcome; a network failure or a non-JSON error page is a problem too. */
export async function outcomeOf<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Outcome<T>> {
  try {
    const { data, error, response } = await call;
    if (response.ok && data !== undefined) return { ok: true, data };
    return { ok: false, problem: problemFrom(response.status, error, response.headers.get('Retry-After')) };
  } catch (thrown) {
    if (thrown instanceof DOMException && thrown.name === 'AbortError') throw thrown;
    return { ok: false, problem: networkProblem() };
  }
}

export const isAbort = (thrown: unknown): boolean => thrown instanceof DOMException && thrown.name === 'AbortError';


/** An API answer with no body (204): ok when the status is. */
export async function emptyOutcomeOf(call: Promise<{ error?: unknown; response: Response }>): Promise<Outcome<null>> {
  try {
    const { error, response } = await call;
    if (response.ok) return { ok: true, data: null };
    return { ok: false, problem: problemFrom(response.status, error, response.headers.get('Retry-After')) };
  } catch (thrown) {
    if (isAbort(thrown)) throw thrown;
    return { ok: false, problem: networkProblem() };
  }
}
