import type { AddressImportReport, AddressImportStarted, ApiClient, Draft, DraftNeighbourhood, DraftValidation, Publication } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import { readNeighbourhoodCollection, type NeighbourhoodCollection } from '../map/neighbourhood-geojson';

export type { AddressImportReport, AddressImportStarted, Draft, DraftNeighbourhood, DraftValidation, Publication };
export type ImportState = AddressImportReport['status'];

/** What commune staff do on the admin screen; tests pass a fake. */
export interface AdminApi {
  startImport(lau2: string, file: { filename: string; size: number }): Promise<Outcome<AddressImportStarted>>;
  importReport(lau2: string, importId: string): Promise<Outcome<AddressImportReport>>;
  /** Confirms an import waiting with `needs_confirmation`: its stored file is imported again, retiring allowed. */
  confirmImport(lau2: string, importId: string): Promise<Outcome<AddressImportReport>>;
  draft(lau2: string): Promise<Outcome<Draft>>;
  draftShapes(lau2: string): Promise<Outcome<NeighbourhoodCollection>>;
  propose(lau2: string, households: number): Promise<Outcome<Draft>>;
  rename(lau2: string, id: string, name: string, version?: number): Promise<Outcome<Draft>>;
  merge(lau2: string, ids: [string, string], version?: number): Promise<Outcome<Draft>>;
  split(lau2: string, id: string, version?: number): Promise<Outcome<Draft>>;
  /** `version` is the draft version the clerk reviewed; the API refuses (409) if it changed since. */
  publish(lau2: string, version: number): Promise<Outcome<Publication>>;
}

export function httpAdminApi(client: ApiClient): AdminApi {
  const commune = (lau2: string) => ({ path: { lau2 } });
  const inDraft = (lau2: string, id: string) => ({ path: { lau2, nbh_id: id } });
  return {
    startImport: (lau2, file) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/address-imports', { params: commune(lau2), body: file })),
    importReport: (lau2, importId) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/address-imports/{import_id}', {
          params: { path: { lau2, import_id: importId } },
          cache: 'no-store',
        }),
      ),
    confirmImport: (lau2, importId) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/address-imports/{import_id}/confirmation', {
          params: { path: { lau2, import_id: importId } },
        }),
      ),
    draft: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/neighbourhood-draft', { params: commune(lau2), cache: 'no-store' })),
    draftShapes: async (lau2) => {
      const outcome = await outcomeOf(
        client.GET('/api/v1/communes/{lau2}/neighbourhood-draft.geojson', { params: commune(lau2), cache: 'no-store' }),
      );
      return outcome.ok ? { ok: true, data: readNeighbourhoodCollection(outcome.data) } : outcome;
    },
    propose: (lau2, households) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/neighbourhood-draft/proposal', { params: commune(lau2), body: { households } })),
    rename: (lau2, id, name, version) =>
      outcomeOf(
        client.PATCH('/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}', {
          params: inDraft(lau2, id),
          body: { name, version: version ?? null },
        }),
      ),
    merge: (lau2, ids, version) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/neighbourhood-draft/merge', {
          params: commune(lau2),
          body: { ids, name: null, version: version ?? null },
        }),
      ),
    split: (lau2, id, version) =>
      outcomeOf(
        client.POST('/api/v1/communes/{lau2}/neighbourhood-draft/{nbh_id}/split', {
          params: inDraft(lau2, id),
          body: { version: version ?? null },
        }),
      ),
    publish: (lau2, version) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/neighbourhood-draft/publish', { params: commune(lau2), body: { version } })),
  };
}

/**
 * Sends the file straight to storage with the presigned POST: every policy field first, the file
 * last under `file` (S3 ignores fields after the file).
 */
export async function uploadToStorage(
  upload: AddressImportStarted['upload'],
  file: Blob,
  fetchFn: typeof fetch = (...args) => fetch(...args),
): Promise<boolean> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', file);
  try {
    const response = await fetchFn(upload.url, { method: 'POST', body: form });
    return response.ok;
  } catch {
    return false;
  }
}
