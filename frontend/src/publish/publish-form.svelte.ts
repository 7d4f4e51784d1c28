import type { ApiProblem } from '../api/problem';
import { browserTimers, type Timers } from '../lib/debounce';
import type { SendFile } from '../posts/posts-api';
import {
  attachmentType,
  type AnnouncementPublic,
  type AnnouncementRequest,
  type Category,
  type PublishApi,
  type PublishContext,
} from './publish-api';

export const POLL_MS = 1000;
/** How long a file may stay "being checked" before the form says it is taking too long. */
export const POLL_LIMIT = 60;

export type RefusalReason = 'tampered' | 'expired' | 'revoked' | 'suspended' | 'other';
export type Phase =
  | { phase: 'loading' }
  | { phase: 'noLink' }
  | { phase: 'refused'; reason: RefusalReason; problem: ApiProblem }
  | { phase: 'ready' }
  | { phase: 'published'; announcement: AnnouncementPublic };

export type TargetKind = 'commune' | 'neighbourhoods' | 'circle';
export type Language = AnnouncementRequest['versions'][number]['language'];
export interface VersionDraft {
  language: Language;
  title: string;
  body: string;
}

export type FileState = 'starting' | 'uploading' | 'checking' | 'ready' | 'failed';
export interface FileUpload {
  key: number;
  name: string;
  size: number;
  state: FileState;
  sent: number;
  attachmentId: string | null;
  /** Why it failed: the server's reason (from the bytes) or a form-side one. */
  reason: 'type' | 'tooLarge' | 'upload' | 'slow' | 'refused' | 'api' | null;
  detail: string | null;
}

/** The refusal a publisher link got, read from the API's `fields.link`. */
export function refusalOf(problem: ApiProblem): RefusalReason | null {
  if (problem.code !== 'link_refused') return null;
  const reason = problem.fields.link;
  return reason === 'tampered' || reason === 'expired' || reason === 'revoked' || reason === 'suspended' ? reason : 'other';
}

/** "YYYY-MM-DDTHH:mm" in local time, as a datetime-local input holds it. */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export interface CircleDraft {
  lat: string;
  lon: string;
  radius: string;
}

/** Whom an announcement or a publisher's event reaches, as the API takes it: the whole commune, chosen
 * neighbourhoods or a circle. */
export function targetOf(kind: TargetKind, chosen: string[], circle: CircleDraft): AnnouncementRequest['target'] {
  return kind === 'commune'
    ? { kind: 'commune', neighbourhoods: null, circle: null }
    : kind === 'neighbourhoods'
      ? { kind: 'neighbourhoods', neighbourhoods: [...chosen], circle: null }
      : { kind: 'circle', neighbourhoods: null, circle: { lat: Number(circle.lat), lon: Number(circle.lon), radius_m: Math.round(Number(circle.radius)) } };
}

/** Where a target starts for a link: the whole commune when it may, else its only neighbourhood (if one). */
export function firstTarget(context: PublishContext): { kind: TargetKind; chosen: string[] } {
  if (context.whole_commune) return { kind: 'commune', chosen: [] };
  return { kind: 'neighbourhoods', chosen: context.neighbourhoods.length === 1 ? [context.neighbourhoods[0]?.id ?? ''] : [] };
}

/** The announcement form behind a publisher link: what it may do, the draft, uploads, publishing. */
export class PublishForm {
  current: Phase = $state({ phase: 'loading' });
  context: PublishContext | null = $state(null);
  versions: VersionDraft[] = $state([]);
  category: Category = $state('information');
  targetKind: TargetKind = $state('commune');
  chosen: string[] = $state([]);
  circle: CircleDraft = $state({ lat: '', lon: '', radius: '500' });
  validFrom = $state('');
  validUntil = $state('');
  isPublic = $state(false);
  files: FileUpload[] = $state([]);
  submitting = $state(false);
  problem: ApiProblem | null = $state(null);

  readonly #api: PublishApi;
  readonly #send: SendFile;
  readonly #timers: Timers;
  #nextKey = 1;

  constructor(api: PublishApi, send: SendFile, options: { timers?: Timers; now?: () => Date } = {}) {
    this.#api = api;
    this.#send = send;
    this.#timers = options.timers ?? browserTimers;
    const now = options.now?.() ?? new Date();
    this.validFrom = localInput(now);
    this.validUntil = localInput(new Date(now.getTime() + 7 * 86_400_000));
  }

  async load(token: string | null): Promise<void> {
    if (!token) {
      this.current = { phase: 'noLink' };
      return;
    }
    const outcome = await this.#api.context();
    if (!outcome.ok) {
      this.current = { phase: 'refused', reason: refusalOf(outcome.problem) ?? 'other', problem: outcome.problem };
      return;
    }
    const context = outcome.data;
    this.context = context;
    this.versions = [{ language: (context.commune_languages[0] ?? 'fr') as Language, title: '', body: '' }];
    // The link lists its categories alphabetically ("consultation" first): start on plain information.
    this.category = context.categories.includes('information') ? 'information' : (context.categories[0] ?? 'information');
    ({ kind: this.targetKind, chosen: this.chosen } = firstTarget(context));
    this.current = { phase: 'ready' };
  }

  /** Languages not yet written, for the "add a language version" choice. */
  get missingLanguages(): Language[] {
    const all: Language[] = ['lb', 'fr', 'de', 'en', 'pt'];
    return all.filter((language) => !this.versions.some((v) => v.language === language));
  }

  addVersion(language: Language): void {
    if (this.versions.some((v) => v.language === language)) return;
    this.versions = [...this.versions, { language, title: '', body: '' }];
  }

  removeVersion(language: Language): void {
    if (this.versions.length > 1) this.versions = this.versions.filter((v) => v.language !== language);
  }

  setCircleCentre(lat: number, lon: number): void {
    this.circle = { ...this.circle, lat: lat.toFixed(5), lon: lon.toFixed(5) };
  }

  get uploading(): boolean {
    return this.files.some((f) => f.state === 'starting' || f.state === 'uploading' || f.state === 'checking');
  }

  async addFiles(files: Iterable<Blob & { name: string }>): Promise<void> {
    await Promise.all([...files].map((file) => this.#upload(file)));
  }

  removeFile(key: number): void {
    this.files = this.files.filter((f) => f.key !== key);
  }

  #update(key: number, change: Partial<FileUpload>): void {
    this.files = this.files.map((f) => (f.key === key ? { ...f, ...change } : f));
  }

  async #upload(file: Blob & { name: string }): Promise<void> {
    const key = this.#nextKey++;
    this.files = [
      ...this.files,
      { key, name: file.name, size: file.size, state: 'starting', sent: 0, attachmentId: null, reason: null, detail: null },
    ];
    const type = attachmentType({ name: file.name, type: file.type });
    const limit = this.context?.max_attachment_bytes ?? 10 * 1024 * 1024;
    if (!type) return this.#update(key, { state: 'failed', reason: 'type' });
    if (file.size > limit) return this.#update(key, { state: 'failed', reason: 'tooLarge' });
    const started = await this.#api.startAttachment(file.name, type, file.size);
    if (!started.ok) return this.#update(key, { state: 'failed', reason: 'api', detail: started.problem.message });
    this.#update(key, { state: 'uploading', attachmentId: started.data.attachment_id });
    const sent = await this.#send(started.data.upload, file, (done) => this.#update(key, { sent: done }));
    if (!sent) return this.#update(key, { state: 'failed', reason: 'upload' });
    this.#update(key, { state: 'checking', sent: file.size });
    await this.#follow(key, started.data.attachment_id);
  }

  #follow(key: number, attachmentId: string): Promise<void> {
    return new Promise((resolve) => {
      let polls = 0;
      const check = async () => {
        if (!this.files.some((f) => f.key === key)) return resolve();
        const outcome = await this.#api.attachment(attachmentId);
        if (outcome.ok && outcome.data.status === 'ready') {
          this.#update(key, { state: 'ready' });
          return resolve();
        }
        if (outcome.ok && outcome.data.status === 'failed') {
          this.#update(key, { state: 'failed', reason: 'refused', detail: outcome.data.reason ?? null });
          return resolve();
        }
        if (++polls >= POLL_LIMIT) {
          this.#update(key, { state: 'failed', reason: 'slow' });
          return resolve();
        }
        this.#timers.setTimeout(() => void check(), POLL_MS);
      };
      this.#timers.setTimeout(() => void check(), POLL_MS);
    });
  }

  /** The request the form would send; field problems are the API's to name. */
  request(): AnnouncementRequest {
    const target = targetOf(this.targetKind, this.chosen, this.circle);
    const moment = (value: string) => (value ? new Date(value).toISOString() : null);
    return {
      versions: this.versions.map((v) => ({ language: v.language, title: v.title, body: v.body })),
      category: this.category,
      target,
      valid_from: moment(this.validFrom),
      valid_until: moment(this.validUntil) ?? '',
      public: this.isPublic,
      attachments: this.files.filter((f) => f.state === 'ready' && f.attachmentId).map((f) => f.attachmentId as string),
    };
  }

  async submit(): Promise<void> {
    if (this.submitting || this.uploading) return;
    this.submitting = true;
    this.problem = null;
    const outcome = await this.#api.publish(this.request());
    this.submitting = false;
    if (outcome.ok) {
      this.current = { phase: 'published', announcement: outcome.data };
      return;
    }
    const refusal = refusalOf(outcome.problem);
    if (refusal) this.current = { phase: 'refused', reason: refusal, problem: outcome.problem };
    else this.problem = outcome.problem;
  }

  /** Another announcement with the same link. */
  again(): void {
    if (!this.context) return;
    this.versions = this.versions.map((v) => ({ ...v, title: '', body: '' }));
    this.files = [];
    this.problem = null;
    this.current = { phase: 'ready' };
  }
}
