import type { ApiClient } from '../api/client';

export type HealthCheck =
  | { state: 'loading' }
  | { state: 'ok' | 'unavailable'; stage: string; version: string; checkedAt: Date }
  | { state: 'error'; checkedAt: Date };

/** Asks the API whether it is healthy; a 503 carries the same body, anything else is an error. */
export async function checkHealth(client: ApiClient, now: () => Date = () => new Date()): Promise<HealthCheck> {
  try {
    const { data, error } = await client.GET('/api/v1/health', { cache: 'no-store' });
    const health = data ?? error;
    // a 429 (API Gateway's throttling) carries the error shape instead: no `status`
    if (health && 'status' in health && (health.status === 'ok' || health.status === 'unavailable')) {
      return { state: health.status, stage: health.stage, version: health.version, checkedAt: now() };
    }
  } catch {
    // Network failure or a body that is not JSON: reported as "could not be reached".
  }
  return { state: 'error', checkedAt: now() };
}
