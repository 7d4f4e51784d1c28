import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { BudgetApi, Category, EditionRef, Proposal, ProposalRequest } from './budget-api';
import { CATEGORIES } from './budget-api';
import { parseEuros } from './money';

/** What the screen says beside a field (message keys of the budget area). */
export type FormError = 'required' | 'tooLong' | 'amount' | 'coordinates' | 'pdf' | 'pdfTooLarge';
export const MAX_PDF_BYTES = 20 * 1024 * 1024;
export const MAX_TITLE = 120;
export const MAX_DESCRIPTION = 4000;

/** Sends a file to a presigned POST (its fields, then the file); true when storage took it. Tests pass a fake. */
export type SendDocument = (url: string, fields: Record<string, string>, file: File) => Promise<boolean>;

export const sendDocument: SendDocument = async (url, fields, file) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', file);
  try {
    return (await fetch(url, { method: 'POST', body: form })).ok;
  } catch {
    return false;
  }
};

/** A new proposal as typed: checked here as the API checks it, then sent with its PDF if one was chosen. */
export class ProposalForm {
  title = $state('');
  description = $state('');
  category: Category | '' = $state('');
  euros = $state('');
  lat = $state('');
  lon = $state('');
  pdf: File | null = $state(null);
  errors: Partial<Record<'title' | 'description' | 'category' | 'estimated_cents' | 'location' | 'document', FormError>> = $state({});
  problem: ApiProblem | null = $state(null);
  busy = $state(false);
  /** The PDF did not go through (the proposal did): the screen says so on the proposal's page. */
  documentFailed = $state(false);

  constructor(
    private readonly api: Pick<BudgetApi, 'propose' | 'startDocument'>,
    private readonly ref: EditionRef,
    private readonly send: SendDocument = sendDocument,
  ) {}

  get point(): { lat: number; lon: number } | null {
    if (!this.lat.trim() || !this.lon.trim()) return null;
    const lat = Number(this.lat.replace(',', '.'));
    const lon = Number(this.lon.replace(',', '.'));
    return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
  }

  pick(lat: number, lon: number): void {
    this.lat = lat.toFixed(6);
    this.lon = lon.toFixed(6);
  }

  clearPoint(): void {
    this.lat = '';
    this.lon = '';
  }

  /** The request, or null with `errors` set. */
  body(photoId: string | null): ProposalRequest | null {
    const errors: ProposalForm['errors'] = {};
    const title = this.title.trim();
    const description = this.description.trim();
    if (!title) errors.title = 'required';
    else if (title.length > MAX_TITLE) errors.title = 'tooLong';
    if (!description) errors.description = 'required';
    else if (description.length > MAX_DESCRIPTION) errors.description = 'tooLong';
    if (!this.category || !CATEGORIES.includes(this.category as (typeof CATEGORIES)[number])) errors.category = 'required';
    const cents = parseEuros(this.euros);
    if (cents === null || cents <= 0) errors.estimated_cents = 'amount';
    const typedPoint = this.lat.trim() || this.lon.trim();
    if (typedPoint && !this.point) errors.location = 'coordinates';
    if (this.pdf && this.pdf.type !== 'application/pdf') errors.document = 'pdf';
    else if (this.pdf && this.pdf.size > MAX_PDF_BYTES) errors.document = 'pdfTooLarge';
    this.errors = errors;
    if (Object.keys(errors).length > 0) return null;
    return {
      title, description, category: this.category as Category, estimated_cents: cents!,
      location: this.point, photo_ids: photoId ? [photoId] : [],
    };
  }

  /** Propose; the new proposal, or null (errors or `problem` say why). */
  async submit(photoId: string | null): Promise<Proposal | null> {
    if (this.busy) return null;
    const body = this.body(photoId);
    if (!body) return null;
    this.busy = true;
    this.problem = null;
    const outcome: Outcome<Proposal> = await this.api.propose(this.ref, body);
    if (!outcome.ok) {
      this.busy = false;
      this.problem = outcome.problem;
      return null;
    }
    if (this.pdf) {
      const started = await this.api.startDocument(this.ref, outcome.data.id, { name: this.pdf.name, size: this.pdf.size });
      this.documentFailed = !started.ok || !(await this.send(started.data.url, started.data.fields as Record<string, string>, this.pdf));
    }
    this.busy = false;
    return outcome.data;
  }
}
