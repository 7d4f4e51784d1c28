import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

export type DigestRunReport = components['schemas']['DigestRunReport'];

/** The local stage's digest button; tests pass a fake. */
export interface DigestApi {
  /** The stage the API runs on: the button exists on `local` only. */
  stage(): Promise<Outcome<string>>;
  run(lau2: string, dryRun: boolean): Promise<Outcome<DigestRunReport>>;
}

export function httpDigestApi(client: ApiClient): DigestApi {
  return {
    stage: async () => {
      const outcome = await outcomeOf(client.GET('/api/v1/health', { cache: 'no-store' }));
      return outcome.ok ? { ok: true, data: outcome.data.stage } : outcome;
    },
    run: (lau2, dryRun) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/digest-runs', { params: { path: { lau2 } }, body: { week: null, neighbourhood_id: null, dry_run: dryRun } })),
  };
}
