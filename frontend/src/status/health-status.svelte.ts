import type { ApiClient } from '../api/client';
import { checkHealth, type HealthCheck } from './health-check';

/** The latest health check; a newer check supersedes one still in flight. */
export class HealthStatus {
  current: HealthCheck = $state({ state: 'loading' });
  #latest = 0;
  readonly #client: ApiClient;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  async refresh(): Promise<void> {
    const attempt = ++this.#latest;
    this.current = { state: 'loading' };
    const result = await checkHealth(this.#client);
    if (attempt === this.#latest) this.current = result;
  }
}
