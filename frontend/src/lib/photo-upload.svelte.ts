import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { components } from '../api/schema';
import { browserTimers, type Timers } from './debounce';

type Schemas = components['schemas'];
export type PhotoType = Schemas['PhotoUploadRequest']['content_type'];
export type UploadStarted = Schemas['PhotoUploadStarted'];
export type Photo = Schemas['PhotoPublic'];

export const PHOTO_TYPES: readonly PhotoType[] = ['image/jpeg', 'image/png', 'image/webp'];
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_POLL_MS = 1000;
/** About a minute of "processing" before the screen says it takes too long (the server goes on). */
export const PHOTO_POLLS_ALLOWED = 60;

/** What a photo upload needs of the API: each area's adapter asks for its own purpose (post, item). */
export interface PhotoUploadApi {
  startUpload(contentType: PhotoType, size: number): Promise<Outcome<UploadStarted>>;
  photo(photoId: string): Promise<Outcome<Photo>>;
}

/** Sends a file to the presigned POST, reporting progress; resolves true when storage accepted it. */
export type SendFile = (
  upload: UploadStarted['upload'],
  file: Blob,
  onProgress: (sent: number, total: number) => void,
) => Promise<boolean>;

/** XMLHttpRequest, which (unlike fetch) reports upload progress; the file goes last, as storage wants. */
export function sendWithProgress(
  upload: UploadStarted['upload'],
  file: Blob,
  onProgress: (sent: number, total: number) => void,
  makeRequest: () => XMLHttpRequest = () => new XMLHttpRequest(),
): Promise<boolean> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append('file', file);
  return new Promise((resolve) => {
    const request = makeRequest();
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    };
    request.onload = () => resolve(request.status >= 200 && request.status < 300);
    request.onerror = () => resolve(false);
    request.onabort = () => resolve(false);
    request.open('POST', upload.url);
    request.send(form);
  });
}

export type PhotoPhase =
  | { phase: 'idle' }
  | { phase: 'starting'; filename: string }
  | { phase: 'uploading'; filename: string; sent: number; total: number }
  | { phase: 'processing'; filename: string; photoId: string }
  | { phase: 'ready'; filename: string; photoId: string; thumbUrl: string | null }
  | { phase: 'failed'; filename: string; reason: 'type' | 'upload' | 'slow' }
  | { phase: 'failed'; filename: string; reason: 'tooLarge'; maxBytes: number }
  | { phase: 'failed'; filename: string; reason: 'refused'; detail: string | null }
  | { phase: 'failed'; filename: string; reason: 'api'; problem: ApiProblem };

/**
 * One photo of a post or a lent item: ask the API where to upload it, send it with progress (XHR to
 * the presigned POST), then wait while the server checks and re-encodes it ("processing") until
 * ready; only a ready photo can be attached.
 */
export class PhotoUpload {
  current: PhotoPhase = $state({ phase: 'idle' });

  readonly #api: PhotoUploadApi;
  readonly #send: SendFile;
  readonly #timers: Timers;
  #run = 0;
  #poll: unknown = undefined;

  constructor(api: PhotoUploadApi, options: { send?: SendFile; timers?: Timers } = {}) {
    this.#api = api;
    this.#send = options.send ?? ((upload, file, onProgress) => sendWithProgress(upload, file, onProgress));
    this.#timers = options.timers ?? browserTimers;
  }

  /** The photo id to attach, once the server has processed the photo. */
  get readyId(): string | null {
    return this.current.phase === 'ready' ? this.current.photoId : null;
  }

  get busy(): boolean {
    const phase = this.current.phase;
    return phase === 'starting' || phase === 'uploading' || phase === 'processing';
  }

  /** Percent sent, for the progress bar (null before the size is known). */
  get percent(): number | null {
    const current = this.current;
    if (current.phase !== 'uploading' || current.total <= 0) return null;
    return Math.min(100, Math.floor((current.sent / current.total) * 100));
  }

  async start(file: Blob & { name?: string }): Promise<void> {
    this.stop();
    const run = this.#run;
    const filename = file.name ?? '';
    if (!PHOTO_TYPES.includes(file.type as PhotoType)) {
      this.current = { phase: 'failed', filename, reason: 'type' };
      return;
    }
    if (file.size > MAX_PHOTO_BYTES || file.size <= 0) {
      this.current = { phase: 'failed', filename, reason: 'tooLarge', maxBytes: MAX_PHOTO_BYTES };
      return;
    }
    this.current = { phase: 'starting', filename };
    const started = await this.#api.startUpload(file.type as PhotoType, file.size);
    if (run !== this.#run) return;
    if (!started.ok) {
      this.current = started.problem.status === 413
        ? { phase: 'failed', filename, reason: 'tooLarge', maxBytes: MAX_PHOTO_BYTES }
        : { phase: 'failed', filename, reason: 'api', problem: started.problem };
      return;
    }
    const { photo_id: photoId, upload, max_bytes: maxBytes } = started.data;
    if (file.size > maxBytes) {
      this.current = { phase: 'failed', filename, reason: 'tooLarge', maxBytes };
      return;
    }
    this.current = { phase: 'uploading', filename, sent: 0, total: file.size };
    const sent = await this.#send(upload, file, (done, total) => {
      if (run === this.#run) this.current = { phase: 'uploading', filename, sent: done, total };
    });
    if (run !== this.#run) return;
    if (!sent) {
      this.current = { phase: 'failed', filename, reason: 'upload' };
      return;
    }
    this.current = { phase: 'processing', filename, photoId };
    this.#schedule(run, filename, photoId, 0, PHOTO_POLLS_ALLOWED);
  }

  /** Forgets the photo (the post or item goes without one). */
  clear(): void {
    this.stop();
    this.current = { phase: 'idle' };
  }

  /** Stops following the photo (the form is left). */
  stop(): void {
    this.#run++;
    if (this.#poll !== undefined) this.#timers.clearTimeout(this.#poll);
    this.#poll = undefined;
  }

  #schedule(run: number, filename: string, photoId: string, delay: number, left: number): void {
    this.#poll = this.#timers.setTimeout(() => {
      this.#poll = undefined;
      void this.#check(run, filename, photoId, left);
    }, delay);
  }

  async #check(run: number, filename: string, photoId: string, left: number): Promise<void> {
    const answer = await this.#api.photo(photoId);
    if (run !== this.#run) return;
    if (answer.ok && answer.data.status === 'ready') {
      this.current = { phase: 'ready', filename, photoId, thumbUrl: answer.data.thumb_url ?? null };
      return;
    }
    if (answer.ok && answer.data.status === 'failed') {
      this.current = { phase: 'failed', filename, reason: 'refused', detail: answer.data.reason ?? null };
      return;
    }
    if (!answer.ok && !['network', 'server', 'rateLimited'].includes(answer.problem.kind)) {
      this.current = { phase: 'failed', filename, reason: 'api', problem: answer.problem };
      return;
    }
    if (left <= 1) {
      this.current = { phase: 'failed', filename, reason: 'slow' };
      return;
    }
    this.#schedule(run, filename, photoId, PHOTO_POLL_MS, left - 1);
  }
}
