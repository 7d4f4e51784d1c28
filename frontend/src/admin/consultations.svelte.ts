import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { fromLocalInput, toLocalInput } from '../consultations/when';
import { browserTimers, type Timers } from '../lib/debounce';
import { inLuxembourg } from '../posts/compose.svelte';
import {
  xhrUpload,
  type Consultation,
  type ConsultationAdminApi,
  type ConsultationComment,
  type ConsultationDraft,
  type ConsultationResults,
  type QuestionKind,
  type UploadWithProgress,
} from './consultation-admin-api';

export type LocalText = Record<string, string>;
export interface OptionForm {
  id: string;
  label: LocalText;
}
export interface QuestionForm {
  id: string;
  kind: QuestionKind;
  prompt: LocalText;
  options: OptionForm[];
}

export const MAX_QUESTIONS = 20;
export const MAX_OPTIONS = 10;
const CHOICE: ReadonlySet<QuestionKind> = new Set(['single', 'multiple']);
const blankText = (languages: readonly string[]): LocalText => Object.fromEntries(languages.map((l) => [l, '']));

/** The form of one consultation: every text once per language of the commune. */
export class ConsultationEditor {
  title: LocalText = $state({});
  description: LocalText = $state({});
  opensAt = $state('');
  closesAt = $state('');
  lat = $state('');
  lon = $state('');
  targets: string[] = $state([]);
  questions: QuestionForm[] = $state([]);

  readonly languages: readonly string[];
  readonly id: string | null;
  readonly version: number | null;
  #next = 0;

  constructor(languages: readonly string[], existing: Consultation | null = null) {
    this.languages = languages;
    this.id = existing?.id ?? null;
    this.version = existing?.version ?? null;
    if (!existing) {
      this.title = blankText(languages);
      this.description = blankText(languages);
      this.addQuestion('single');
      return;
    }
    const keep = (text: Record<string, string>): LocalText => ({ ...blankText(languages), ...text });
    this.title = keep(existing.title);
    this.description = keep(existing.description);
    this.opensAt = toLocalInput(existing.opens_at);
    this.closesAt = toLocalInput(existing.closes_at);
    this.lat = existing.location ? String(existing.location.lat) : '';
    this.lon = existing.location ? String(existing.location.lon) : '';
    this.targets = [...existing.neighbourhood_ids];
    this.questions = existing.questions.map((q) => ({
      id: q.id,
      kind: q.kind,
      prompt: keep(q.prompt),
      options: (q.options ?? []).map((o) => ({ id: o.id, label: keep(o.label) })),
    }));
    this.#next = this.questions.length;
  }

  #freshId(prefix: string, taken: readonly { id: string }[]): string {
    let id: string;
    do {
      this.#next += 1;
      id = `${prefix}${this.#next}`;
    } while (taken.some((each) => each.id === id));
    return id;
  }

  addQuestion(kind: QuestionKind = 'single'): void {
    if (this.questions.length >= MAX_QUESTIONS) return;
    const question: QuestionForm = { id: this.#freshId('q', this.questions), kind, prompt: blankText(this.languages), options: [] };
    this.questions.push(question);
    this.setKind(this.questions.length - 1, kind);
  }

  removeQuestion(index: number): void {
    this.questions.splice(index, 1);
  }

  /** Choice questions get two empty options to start with; ratings and texts have none. */
  setKind(index: number, kind: QuestionKind): void {
    const question = this.questions[index];
    if (!question) return;
    question.kind = kind;
    if (!CHOICE.has(kind)) question.options = [];
    else while (question.options.length < 2) this.addOption(index);
  }

  addOption(index: number): void {
    const question = this.questions[index];
    if (!question || question.options.length >= MAX_OPTIONS) return;
    question.options.push({ id: this.#freshId('o', question.options), label: blankText(this.languages) });
  }

  removeOption(index: number, optionIndex: number): void {
    const question = this.questions[index];
    if (!question || question.options.length <= 2) return;
    question.options.splice(optionIndex, 1);
  }

  /** The project's location typed or picked, when both numbers read ("," as the decimal mark too). */
  get point(): { lat: number; lon: number } | null {
    const lat = Number(this.lat.trim().replace(',', '.'));
    const lon = Number(this.lon.trim().replace(',', '.'));
    if (!this.lat.trim() || !this.lon.trim() || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
    return { lat, lon };
  }

  /** Puts the location picked on the map (or the commune's centre), 5 decimals (~1 m). */
  setPoint(lat: number, lon: number): void {
    this.lat = lat.toFixed(5);
    this.lon = lon.toFixed(5);
  }

  /** The consultation is about no one place. */
  clearLocation(): void {
    this.lat = '';
    this.lon = '';
  }

  toggleTarget(id: string, checked: boolean): void {
    this.targets = checked ? [...new Set([...this.targets, id])] : this.targets.filter((t) => t !== id);
  }

  /** The request body, or the fields this form can already tell are wrong (the API checks the rest). */
  toDraft(): { ok: true; draft: ConsultationDraft } | { ok: false; fields: Record<string, string> } {
    const fields: Record<string, string> = {};
    const opens = fromLocalInput(this.opensAt);
    const closes = fromLocalInput(this.closesAt);
    if (!opens) fields.opens_at = 'missing';
    if (!closes) fields.closes_at = 'missing';
    if (opens && closes && closes <= opens) fields.closes_at = 'before opening';
    const point = this.point;
    if (!point && (this.lat.trim() || this.lon.trim())) fields.location = 'give both latitude and longitude, or neither';
    else if (point && !inLuxembourg(point)) fields.location = 'outside Luxembourg';
    if (Object.keys(fields).length) return { ok: false, fields };
    const trimmed = (text: LocalText): LocalText =>
      Object.fromEntries(Object.entries(text).filter(([, value]) => value.trim() !== '').map(([k, v]) => [k, v.trim()]));
    return {
      ok: true,
      draft: {
        title: trimmed(this.title),
        description: trimmed(this.description),
        location: point,
        neighbourhood_ids: [...this.targets],
        opens_at: opens!,
        closes_at: closes!,
        questions: this.questions.map((q) => ({
          id: q.id,
          kind: q.kind,
          prompt: trimmed(q.prompt),
          options: q.options.map((o) => ({ id: o.id, label: trimmed(o.label) })),
        })),
      },
    };
  }
}

export type AdminView =
  | { view: 'list' }
  | { view: 'edit'; editor: ConsultationEditor; consultation: Consultation | null }
  | {
      view: 'results';
      consultation: Consultation;
      results: Loading<ConsultationResults>;
      comments: Loading<ConsultationComment[]>;
    };

export type UploadState =
  | { state: 'idle' }
  | { state: 'uploading'; name: string; percent: number }
  | { state: 'checking'; name: string }
  | { state: 'done'; name: string; status: 'ready' | 'failed'; reason: string | null }
  | { state: 'failed'; name: string; problem: ApiProblem | null };

export type AdminNews = 'saved' | 'published' | null;

export const CHECK_MS = 1000;
export const CHECKS = 20;

/** The admin page's consultations: the list, the editor, publishing, documents, results and comments. */
export class ConsultationsAdmin {
  list: Loading<Consultation[]> = $state({ state: 'loading' });
  current: AdminView = $state({ view: 'list' });
  busy = $state(false);
  problem: ApiProblem | null = $state(null);
  /** Fields the form itself found wrong, before asking the API. */
  formFields: Record<string, string> = $state({});
  news: AdminNews = $state(null);
  upload: UploadState = $state({ state: 'idle' });

  readonly #api: ConsultationAdminApi;
  readonly lau2: string;
  readonly #upload: UploadWithProgress;
  readonly #timers: Timers;

  constructor(api: ConsultationAdminApi, lau2: string, options: { upload?: UploadWithProgress; timers?: Timers } = {}) {
    this.#api = api;
    this.lau2 = lau2;
    this.#upload = options.upload ?? xhrUpload;
    this.#timers = options.timers ?? browserTimers;
  }

  async load(): Promise<void> {
    const outcome = await this.#api.list(this.lau2);
    this.list = outcome.ok ? { state: 'ready', value: outcome.data.consultations } : { state: 'failed', problem: outcome.problem };
  }

  #reset(): void {
    this.problem = null;
    this.formFields = {};
    this.news = null;
    this.upload = { state: 'idle' };
  }

  startNew(languages: readonly string[]): void {
    this.#reset();
    this.current = { view: 'edit', editor: new ConsultationEditor(languages), consultation: null };
  }

  edit(consultation: Consultation, languages: readonly string[]): void {
    this.#reset();
    this.current = { view: 'edit', editor: new ConsultationEditor(languages, consultation), consultation };
  }

  back(): void {
    this.#reset();
    this.current = { view: 'list' };
    void this.load();
  }

  /** Puts the project's location (a click on the map, Enter on it, or the commune's centre). */
  pickLocation(lat: number, lon: number): void {
    if (this.current.view !== 'edit') return;
    this.current.editor.setPoint(lat, lon);
    this.#forgetLocationProblem();
  }

  /** Removes the project's location: the consultation is sent without one. */
  clearLocation(): void {
    if (this.current.view !== 'edit') return;
    this.current.editor.clearLocation();
    this.#forgetLocationProblem();
  }

  #forgetLocationProblem(): void {
    if (!this.formFields.location) return;
    this.formFields = Object.fromEntries(Object.entries(this.formFields).filter(([field]) => field !== 'location'));
  }

  /** Creates the draft, or replaces it (a draft, or published and not open yet). */
  async save(): Promise<boolean> {
    if (this.current.view !== 'edit' || this.busy) return false;
    const { editor } = this.current;
    const checked = editor.toDraft();
    this.news = null;
    if (!checked.ok) {
      this.formFields = checked.fields;
      return false;
    }
    this.formFields = {};
    this.busy = true;
    const outcome =
      editor.id && editor.version !== null
        ? await this.#api.edit(this.lau2, editor.id, checked.draft, editor.version)
        : await this.#api.create(this.lau2, checked.draft);
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return false;
    }
    this.problem = null;
    this.news = 'saved';
    this.current = { view: 'edit', editor: new ConsultationEditor(editor.languages, outcome.data), consultation: outcome.data };
    return true;
  }

  async publish(consultation: Consultation): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const outcome = await this.#api.publish(this.lau2, consultation.id, consultation.version);
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return;
    }
    this.problem = null;
    this.news = 'published';
    if (this.current.view === 'edit') {
      this.current = { view: 'edit', editor: new ConsultationEditor(this.current.editor.languages, outcome.data), consultation: outcome.data };
    }
    void this.load();
  }

  async showResults(consultation: Consultation): Promise<void> {
    this.#reset();
    this.current = { view: 'results', consultation, results: { state: 'loading' }, comments: { state: 'loading' } };
    const [results, comments] = await Promise.all([
      this.#api.results(this.lau2, consultation.id),
      this.#api.comments(this.lau2, consultation.id),
    ]);
    if (this.current.view !== 'results' || this.current.consultation.id !== consultation.id) return;
    this.current = {
      view: 'results',
      consultation,
      results: results.ok ? { state: 'ready', value: results.data } : { state: 'failed', problem: results.problem },
      comments: comments.ok ? { state: 'ready', value: comments.data.comments } : { state: 'failed', problem: comments.problem },
    };
  }

  /** Sends a PDF to storage, then follows the check of its bytes until it is ready or refused. */
  async uploadDocument(file: Blob & { name: string }): Promise<void> {
    if (this.current.view !== 'edit' || !this.current.consultation) return;
    const consultation = this.current.consultation;
    const name = file.name;
    this.upload = { state: 'uploading', name, percent: 0 };
    const started = await this.#api.startDocument(this.lau2, consultation.id, { name, size: file.size });
    if (!started.ok) {
      this.upload = { state: 'failed', name, problem: started.problem };
      return;
    }
    const sent = await this.#upload(started.data.upload, file, (percent) => {
      if (this.upload.state === 'uploading') this.upload = { state: 'uploading', name, percent };
    });
    if (!sent) {
      this.upload = { state: 'failed', name, problem: null };
      return;
    }
    this.upload = { state: 'checking', name };
    const documentId = started.data.document.id;
    for (let check = 0; check < CHECKS; check++) {
      await new Promise<void>((resolve) => this.#timers.setTimeout(resolve, CHECK_MS));
      const outcome = await this.#api.get(this.lau2, consultation.id);
      if (!outcome.ok) continue;
      const document = outcome.data.documents.find((d) => d.id === documentId);
      if (document && document.status !== 'waiting') {
        this.upload = { state: 'done', name, status: document.status, reason: document.reason ?? null };
        if (this.current.view === 'edit' && this.current.consultation?.id === consultation.id) {
          this.current = { ...this.current, consultation: outcome.data };
        }
        return;
      }
    }
    this.upload = { state: 'failed', name, problem: null };
  }
}
