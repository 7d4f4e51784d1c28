import type { ApiProblem } from '../api/problem';
import { browserTimers, type Timers } from '../lib/debounce';
import { uploadToStorage, type AddressImportReport, type AdminApi } from './admin-api';

export const POLL_MS = 1000;
/** Polls that may fail in a row (network blips) before the screen gives up. */
export const POLL_FAILURES_ALLOWED = 5;

export type ImportPhase =
  | { phase: 'idle' }
  | { phase: 'starting'; filename: string }
  | { phase: 'uploading'; filename: string }
  | { phase: 'processing'; filename: string; importId: string; report: AddressImportReport | null }
  | { phase: 'confirm'; filename: string; importId: string; report: AddressImportReport }
  | { phase: 'done'; filename: string; report: AddressImportReport }
  | { phase: 'failed'; filename: string; reason: 'api'; problem: ApiProblem }
  | { phase: 'failed'; filename: string; reason: 'tooLarge'; maxBytes: number }
  | { phase: 'failed'; filename: string; reason: 'upload' }
  | { phase: 'failed'; filename: string; reason: 'import'; report: AddressImportReport };

export interface ImportProgress {
  /** Rows done and total; `max` is null while the total is not known (indeterminate bar). */
  value: number;
  max: number | null;
  percent: number | null;
}

/** How far an import is, for a <progress> bar: unknown total gives an indeterminate bar. */
export function importProgress(report: AddressImportReport | null): ImportProgress {
  if (!report || report.rows_total <= 0) {
    return report?.status === 'done' ? { value: 1, max: 1, percent: 100 } : { value: 0, max: null, percent: null };
  }
  const value = Math.min(Math.max(report.rows_done, 0), report.rows_total);
  return { value, max: report.rows_total, percent: Math.floor((value / report.rows_total) * 100) };
}

export type Upload = (upload: { url: string; fields: Record<string, string> }, file: Blob) => Promise<boolean>;

/** One address-register upload: ask for a presigned POST, send the file, follow the import to its report. */
export class AddressImport {
  current: ImportPhase = $state({ phase: 'idle' });

  readonly #api: AdminApi;
  readonly #lau2: string;
  readonly #timers: Timers;
  readonly #upload: Upload;
  #poll: unknown = undefined;
  #failures = 0;
  #run = 0;

  constructor(api: AdminApi, lau2: string, options: { timers?: Timers; upload?: Upload } = {}) {
    this.#api = api;
    this.#lau2 = lau2;
    this.#timers = options.timers ?? browserTimers;
    this.#upload = options.upload ?? ((upload, file) => uploadToStorage(upload, file));
  }

  get busy(): boolean {
    const phase = this.current.phase;
    return phase === 'starting' || phase === 'uploading' || phase === 'processing';
  }

  /** The admin confirms the retirements of an import waiting for it; then it is followed again. */
  async confirm(): Promise<void> {
    const current = this.current;
    if (current.phase !== 'confirm') return;
    this.stop();
    const run = ++this.#run;
    const { filename, importId } = current;
    this.current = { phase: 'processing', filename, importId, report: null };
    const confirmed = await this.#api.confirmImport(this.#lau2, importId);
    if (run !== this.#run) return;
    if (!confirmed.ok) {
      this.current = { phase: 'failed', filename, reason: 'api', problem: confirmed.problem };
      return;
    }
    this.#failures = 0;
    this.#schedule(run, importId, filename, 0);
  }

  async start(file: Blob & { name: string }): Promise<void> {
    this.stop();
    const run = ++this.#run;
    const filename = file.name;
    this.current = { phase: 'starting', filename };
    const started = await this.#api.startImport(this.#lau2, { filename, size: file.size });
    if (run !== this.#run) return;
    if (!started.ok) {
      this.current = { phase: 'failed', filename, reason: 'api', problem: started.problem };
      return;
    }
    const { import_id: importId, upload, max_bytes: maxBytes } = started.data;
    if (file.size > maxBytes) {
      this.current = { phase: 'failed', filename, reason: 'tooLarge', maxBytes };
      return;
    }
    this.current = { phase: 'uploading', filename };
    const uploaded = await this.#upload(upload, file);
    if (run !== this.#run) return;
    if (!uploaded) {
      this.current = { phase: 'failed', filename, reason: 'upload' };
      return;
    }
    this.current = { phase: 'processing', filename, importId, report: null };
    this.#failures = 0;
    this.#schedule(run, importId, filename, 0);
  }

  /** Stops following the import (leaving the screen); the import itself goes on. */
  stop(): void {
    this.#run++;
    if (this.#poll !== undefined) this.#timers.clearTimeout(this.#poll);
    this.#poll = undefined;
  }

  reset(): void {
    this.stop();
    this.current = { phase: 'idle' };
  }

  #schedule(run: number, importId: string, filename: string, delay: number): void {
    this.#poll = this.#timers.setTimeout(() => {
      this.#poll = undefined;
      void this.#check(run, importId, filename);
    }, delay);
  }

  async #check(run: number, importId: string, filename: string): Promise<void> {
    const outcome = await this.#api.importReport(this.#lau2, importId);
    if (run !== this.#run) return;
    if (outcome.ok) {
      this.#failures = 0;
      const report = outcome.data;
      if (report.status === 'done') {
        this.current = { phase: 'done', filename, report };
      } else if (report.status === 'failed') {
        this.current = { phase: 'failed', filename, reason: 'import', report };
      } else if (report.status === 'needs_confirmation') {
        this.current = { phase: 'confirm', filename, importId, report };
      } else {
        this.current = { phase: 'processing', filename, importId, report };
        this.#schedule(run, importId, filename, POLL_MS);
      }
      return;
    }
    const problem = outcome.problem;
    // The report appears once storage has told the API about the upload: 404 means "not yet".
    const transient = problem.kind === 'network' || problem.kind === 'notFound' || problem.kind === 'rateLimited' || problem.kind === 'server';
    this.#failures += 1;
    if (transient && this.#failures <= POLL_FAILURES_ALLOWED) {
      const wait = problem.kind === 'rateLimited' ? (problem.retryAfter ?? 1) * 1000 : POLL_MS;
      this.#schedule(run, importId, filename, wait);
      return;
    }
    this.current = { phase: 'failed', filename, reason: 'api', problem };
  }
}
