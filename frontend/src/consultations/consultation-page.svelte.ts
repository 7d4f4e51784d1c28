import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type {
  AnswerValue,
  ConsultationApi,
  ConsultationComment,
  ConsultationResults,
  ConsultationSummary,
  Question,
  ResidentView,
} from './consultation-api';

/** What the last save did, for the live region. */
export type SaveNews = { state: 'saved'; first: boolean } | { state: 'failed'; problem: ApiProblem } | { state: 'empty' };

/**
 * One consultation for a resident: the project, the questionnaire (a draft of answers kept here
 * until sent), the comments to the commune and, once closed, the results.
 */
export class ConsultationPage {
  view: Loading<ResidentView> = $state({ state: 'loading' });
  /** The answers being edited, by question id; missing or empty: not answered. */
  answers: Record<string, AnswerValue> = $state({});
  saving = $state(false);
  news: SaveNews | null = $state(null);
  comments: Loading<ConsultationComment[]> = $state({ state: 'loading' });
  commentText = $state('');
  commenting = $state(false);
  commentProblem: ApiProblem | null = $state(null);
  commentSent = $state(false);
  results: Loading<ConsultationResults> | null = $state(null);

  readonly #api: ConsultationApi;
  readonly neighbourhood: string;
  readonly id: string;

  constructor(api: ConsultationApi, neighbourhood: string, id: string) {
    this.#api = api;
    this.neighbourhood = neighbourhood;
    this.id = id;
  }

  get open(): boolean {
    return this.view.state === 'ready' && this.view.value.consultation.state === 'open';
  }

  async load(): Promise<void> {
    const [view, comments] = await Promise.all([
      this.#api.get(this.neighbourhood, this.id),
      this.#api.comments(this.neighbourhood, this.id),
    ]);
    this.comments = comments.ok ? { state: 'ready', value: comments.data.comments } : { state: 'failed', problem: comments.problem };
    if (!view.ok) {
      this.view = { state: 'failed', problem: view.problem };
      return;
    }
    this.view = { state: 'ready', value: view.data };
    this.answers = { ...(view.data.my_answers ?? {}) };
    if (view.data.results_available) {
      this.results = { state: 'loading' };
      const results = await this.#api.results(this.neighbourhood, this.id);
      this.results = results.ok ? { state: 'ready', value: results.data } : { state: 'failed', problem: results.problem };
    }
  }

  choose(question: Question, option: string): void {
    this.answers[question.id] = option;
  }

  toggle(question: Question, option: string, checked: boolean): void {
    const current = this.answers[question.id];
    const chosen = new Set(Array.isArray(current) ? current : []);
    if (checked) chosen.add(option);
    else chosen.delete(option);
    // Keep the question's order, as the form shows it.
    this.answers[question.id] = (question.options ?? []).map((o) => o.id).filter((id) => chosen.has(id));
  }

  rate(question: Question, rating: number): void {
    this.answers[question.id] = rating;
  }

  write(question: Question, text: string): void {
    this.answers[question.id] = text;
  }

  /** Clears one answer (a question may be left unanswered). */
  clear(question: Question): void {
    delete this.answers[question.id];
  }

  /** The answers to send: empty ones (no option ticked, blank text) are left out. */
  payload(): Record<string, AnswerValue> {
    const out: Record<string, AnswerValue> = {};
    for (const [id, value] of Object.entries(this.answers)) {
      if (Array.isArray(value) ? value.length > 0 : typeof value === 'string' ? value.trim() !== '' : value !== undefined) {
        out[id] = typeof value === 'string' ? value.trim() : value;
      }
    }
    return out;
  }

  /** The API's reason for one question's answer, after a refused save. */
  problemFor(questionId: string): string | null {
    if (this.news?.state !== 'failed') return null;
    const fields = this.news.problem.fields;
    return fields[`answers.${questionId}`] ?? null;
  }

  async submit(): Promise<void> {
    if (this.saving || this.view.state !== 'ready') return;
    const answers = this.payload();
    if (Object.keys(answers).length === 0) {
      this.news = { state: 'empty' };
      return;
    }
    this.saving = true;
    const first = this.view.value.my_answers === null;
    const outcome = await this.#api.answer(this.neighbourhood, this.id, answers);
    this.saving = false;
    if (!outcome.ok) {
      this.news = { state: 'failed', problem: outcome.problem };
      return;
    }
    this.view = { state: 'ready', value: outcome.data };
    this.answers = { ...(outcome.data.my_answers ?? {}) };
    this.news = { state: 'saved', first };
  }

  async sendComment(): Promise<void> {
    const text = this.commentText.trim();
    if (this.commenting || !text) return;
    this.commenting = true;
    this.commentSent = false;
    const outcome = await this.#api.comment(this.neighbourhood, this.id, text);
    this.commenting = false;
    if (!outcome.ok) {
      this.commentProblem = outcome.problem;
      return;
    }
    this.commentProblem = null;
    this.commentText = '';
    this.commentSent = true;
    const previous = this.comments.state === 'ready' ? this.comments.value : [];
    this.comments = { state: 'ready', value: [outcome.data, ...previous] };
  }

  /** Opens a document: the API gives a short-lived link. */
  async documentUrl(documentId: string): Promise<string | ApiProblem> {
    const outcome = await this.#api.document(this.neighbourhood, this.id, documentId);
    return outcome.ok ? outcome.data.url : outcome.problem;
  }
}

/** A neighbourhood's consultations for its residents: open first, then upcoming, then closed. */
export class ConsultationShelf {
  list: Loading<ConsultationSummary[]> = $state({ state: 'loading' });

  readonly #api: ConsultationApi;
  readonly neighbourhood: string;

  constructor(api: ConsultationApi, neighbourhood: string) {
    this.#api = api;
    this.neighbourhood = neighbourhood;
  }

  async load(lang: string): Promise<void> {
    const outcome = await this.#api.list(this.neighbourhood, lang);
    this.list = outcome.ok ? { state: 'ready', value: outcome.data.consultations } : { state: 'failed', problem: outcome.problem };
  }
}
