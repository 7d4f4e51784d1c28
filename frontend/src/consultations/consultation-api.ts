import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { LOCALES } from '../i18n/locales';

type Schemas = components['schemas'];
export type Consultation = Schemas['ConsultationPublic'];
export type Question = Schemas['ConsultationQuestion'];
export type ResidentView = Schemas['ResidentConsultation'];
export type ConsultationSummary = Schemas['ConsultationSummary'];
export type ConsultationResults = Schemas['ConsultationResults'];
export type SuppressedCount = Schemas['SuppressedCount'];
export type ConsultationComment = Schemas['ConsultationComment'];
export type DocumentLink = Schemas['ConsultationDocumentLink'];
/** An option id (single choice), option ids (multiple choice), 1-5 (rating) or a text. */
export type AnswerValue = number | string | string[];

/** The residents' calls, always through their own neighbourhood's path; tests pass a fake. */
export interface ConsultationApi {
  list(neighbourhood: string, lang: string): Promise<Outcome<{ consultations: ConsultationSummary[] }>>;
  get(neighbourhood: string, id: string): Promise<Outcome<ResidentView>>;
  answer(neighbourhood: string, id: string, answers: Record<string, AnswerValue>): Promise<Outcome<ResidentView>>;
  comments(neighbourhood: string, id: string): Promise<Outcome<{ comments: ConsultationComment[] }>>;
  comment(neighbourhood: string, id: string, text: string): Promise<Outcome<ConsultationComment>>;
  results(neighbourhood: string, id: string): Promise<Outcome<ConsultationResults>>;
  document(neighbourhood: string, id: string, documentId: string): Promise<Outcome<DocumentLink>>;
}

export function httpConsultationApi(client: ApiClient): ConsultationApi {
  const at = (neighbourhood_id: string, consultation_id: string) => ({
    params: { path: { neighbourhood_id, consultation_id } },
    cache: 'no-store' as const,
  });
  const one = '/api/v1/neighbourhoods/{neighbourhood_id}/consultations/{consultation_id}' as const;
  return {
    list: (neighbourhood_id, lang) =>
      outcomeOf(
        client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/consultations', {
          params: { path: { neighbourhood_id }, query: { lang: lang as 'lb' } },
          cache: 'no-store',
        }),
      ),
    get: (n, id) => outcomeOf(client.GET(one, at(n, id))),
    answer: (n, id, answers) => outcomeOf(client.PUT(`${one}/answers`, { ...at(n, id), body: { answers } })),
    comments: (n, id) => outcomeOf(client.GET(`${one}/comments`, at(n, id))),
    comment: (n, id, text) => outcomeOf(client.POST(`${one}/comments`, { ...at(n, id), body: { text } })),
    results: (n, id) => outcomeOf(client.GET(`${one}/results`, at(n, id))),
    document: (n, id, document_id) =>
      outcomeOf(
        client.GET(`${one}/documents/{document_id}`, {
          params: { path: { neighbourhood_id: n, consultation_id: id, document_id } },
          cache: 'no-store',
        }),
      ),
  };
}

/**
 * The text in the reader's language, else in the first of `fallbacks` given (the commune's
 * languages, then Noper's), else any.
 */
export function pickText(texts: Record<string, string>, locale: string, fallbacks: readonly string[] = LOCALES): string {
  for (const language of [locale, ...fallbacks]) {
    const found = texts[language];
    if (found) return found;
  }
  const any = Object.keys(texts).sort()[0];
  return (any && texts[any]) || '';
}

/** The language of `pickText`'s choice, for the `lang` attribute of what is shown. */
export function pickLanguage(texts: Record<string, string>, locale: string, fallbacks: readonly string[] = LOCALES): string {
  for (const language of [locale, ...fallbacks]) {
    if (texts[language]) return language;
  }
  return Object.keys(texts).sort()[0] ?? locale;
}
