import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

export type AuditLogPage = components['schemas']['AuditLogPublic'];
export type AuditEntry = components['schemas']['AuditEntryPublic'];
export type AuditAction = AuditEntry['action'];

/** Entries a page. */
export const AUDIT_PAGE = 25;

/** The commune's audit log of staff decisions (its admins only); tests pass a fake. */
export interface AuditApi {
  /** A page, newest first; `cursor` (from the previous page) for older entries. */
  page(lau2: string, cursor?: string | null): Promise<Outcome<AuditLogPage>>;
}

export function httpAuditApi(client: ApiClient): AuditApi {
  return {
    page: (lau2, cursor) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/audit', {
          params: { path: { lau2 }, query: { limit: AUDIT_PAGE, ...(cursor ? { cursor } : {}) } },
          cache: 'no-store',
        }),
      ),
  };
}
