import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type Consultation = Schemas['ConsultationPublic'];
export type ConsultationDraft = Schemas['ConsultationDraft'];
export type ConsultationResults = Schemas['ConsultationResults'];
export type ConsultationComment = Schemas['ConsultationComment'];
export type DocumentUploadStarted = Schemas['ConsultationDocumentUploadStarted'];
export type QuestionKind = Schemas['ConsultationQuestion']['kind'];

/** The staff's consultation calls for one commune; tests pass a fake. */
export interface ConsultationAdminApi {
  list(lau2: string): Promise<Outcome<{ consultations: Consultation[] }>>;
  get(lau2: string, id: string): Promise<Outcome<Consultation>>;
  create(lau2: string, draft: ConsultationDraft): Promise<Outcome<Consultation>>;
  edit(lau2: string, id: string, draft: ConsultationDraft, version: number): Promise<Outcome<Consultation>>;
  publish(lau2: string, id: string, version: number): Promise<Outcome<Consultation>>;
  results(lau2: string, id: string): Promise<Outcome<ConsultationResults>>;
  comments(lau2: string, id: string): Promise<Outcome<{ comments: ConsultationComment[] }>>;
  startDocument(lau2: string, id: string, file: { name: string; size: number }): Promise<Outcome<DocumentUploadStarted>>;
}

export function httpConsultationAdminApi(client: ApiClient): ConsultationAdminApi {
  const all = '/api/v1/communes/{lau2}/consultations' as const;
  const one = '/api/v1/communes/{lau2}/consultations/{consultation_id}' as const;
  const at = (lau2: string, consultation_id: string) => ({ params: { path: { lau2, consultation_id } }, cache: 'no-store' as const });
  return {
    list: (lau2) => outcomeOf(client.GET(all, { params: { path: { lau2 } }, cache: 'no-store' })),
    get: (lau2, id) => outcomeOf(client.GET(one, at(lau2, id))),
    create: (lau2, draft) => outcomeOf(client.POST(all, { params: { path: { lau2 } }, body: draft })),
    edit: (lau2, id, draft, version) => outcomeOf(client.PUT(one, { ...at(lau2, id), body: { ...draft, version } })),
    publish: (lau2, id, version) => outcomeOf(client.POST(`${one}/publish`, { ...at(lau2, id), body: { version } })),
    results: (lau2, id) => outcomeOf(client.GET(`${one}/results`, at(lau2, id))),
    comments: (lau2, id) => outcomeOf(client.GET(`${one}/comments`, at(lau2, id))),
    startDocument: (lau2, id, file) =>
      outcomeOf(
        client.POST(`${one}/documents`, { ...at(lau2, id), body: { name: file.name, size: file.size, content_type: 'application/pdf' } }),
      ),
  };
}

/** Where the CSV of the results downloads (a plain link: the session cookie goes along). */
export function resultsCsvUrl(lau2: string, id: string, lang: string): string {
  return `/api/v1/communes/${encodeURIComponent(lau2)}/consultations/${encodeURIComponent(id)}/results.csv?lang=${encodeURIComponent(lang)}`;
}

export type UploadWithProgress = (
  upload: { url: string; fields: Record<string, string> },
  file: Blob,
  onProgress: (percent: number) => void,
) => Promise<boolean>;

/** POSTs a file to storage's presigned form, reporting progress (fetch cannot report upload progress). */
export const xhrUpload: UploadWithProgress = (upload, file, onProgress) =>
  new Promise((resolve) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', file);
    const request = new XMLHttpRequest();
    request.open('POST', upload.url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.floor((event.loaded / event.total) * 100));
    };
    request.onload = () => resolve(request.status >= 200 && request.status < 300);
    request.onerror = () => resolve(false);
    request.onabort = () => resolve(false);
    request.send(form);
  });
