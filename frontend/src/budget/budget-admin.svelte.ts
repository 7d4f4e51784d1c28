import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { Locale } from '../i18n/locales';
import type {
  BallotRules, BudgetAdminApi, Edition, EditionRef, EditionRequest, ImplementationState, Phase, Proposal, Results,
} from './budget-api';
import { nextPhase, PHASES } from './budget-api';
import type { PhotoUploadApi } from '../lib/photo-upload.svelte';
import { parseEuros } from './money';

export type Rule = EditionRequest['rule'];
/** What a number input's binding holds: a number, or '' / null while empty. */
export type NumberField = string | number | null;
const filled = (value: NumberField): string => (value === null || value === undefined ? '' : String(value)).trim();
export const RULES: readonly NonNullable<Rule>[] = ['equalshares/add1', 'greedy'];
export const BALLOT_TYPES: readonly BallotRules['type'][] = ['approval', 'approval_count', 'cumulative'];

/** One envelope as typed: a part of the budget for some neighbourhoods. */
export type EnvelopeFields = { id: string; name: string; neighbourhoodIds: string[]; euros: string };

/** What the set-up form says beside a field (message keys `budget.admin.error.<reason>`). */
export type SetupError = 'required' | 'amount' | 'number' | 'dates' | 'envelopesSum' | 'envelope';

/** A datetime-local value (the browser's time) as the API's ISO instant; '' stays ''. */
export const toInstant = (local: string): string => (local ? new Date(local).toISOString() : '');
/** An ISO instant as a datetime-local value in the browser's time. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The set-up of an edition: texts per commune language, the amount in euros (sent in cents), envelopes, ballot. */
export class EditionSetup {
  name: Record<string, string> = $state({});
  text: Record<string, string> = $state({});
  euros = $state('');
  envelopes: EnvelopeFields[] = $state([]);
  ballotType: BallotRules['type'] = $state('approval');
  // Bound to number inputs: a number once typed, null or '' when empty.
  maxProjects: NumberField = $state('');
  maxPoints: NumberField = $state('');
  threshold: NumberField = $state('10');
  minimumAge: NumberField = $state('');
  rule: NonNullable<Rule> = $state('equalshares/add1');
  dates: Record<Phase, string> = $state({ proposals: '', review: '', voting: '', results: '', implementation: '' });
  errors: Record<string, SetupError> = $state({});
  version: number | null = $state(null);

  /** The commune's languages: each needs its name and text (kept in step by the section once the commune loads). */
  languages: readonly Locale[] = $state([]);

  constructor(languages: readonly Locale[]) {
    this.languages = languages;
  }

  /** Fill the form from an edition, to change it (until the vote opens). */
  fill(edition: Edition): void {
    this.name = { ...edition.name };
    this.text = { ...edition.text };
    this.euros = String(edition.amount_cents / 100);
    this.envelopes = edition.envelopes.map((e) => ({ id: e.id, name: Object.values(e.name)[0] ?? '', neighbourhoodIds: [...e.neighbourhood_ids], euros: String(e.amount_cents / 100) }));
    this.ballotType = edition.ballot.type;
    this.maxProjects = edition.ballot.max_projects ? String(edition.ballot.max_projects) : '';
    this.maxPoints = edition.ballot.max_points ? String(edition.ballot.max_points) : '';
    this.threshold = String(edition.support_threshold);
    this.minimumAge = edition.minimum_age === null || edition.minimum_age === undefined ? '' : String(edition.minimum_age);
    this.rule = edition.rule as NonNullable<Rule>;
    this.dates = Object.fromEntries(PHASES.map((p) => [p, toLocalInput(edition.dates[p])])) as Record<Phase, string>;
    this.version = edition.version;
  }

  addEnvelope(): void {
    this.envelopes = [...this.envelopes, { id: `e${this.envelopes.length + 1}`, name: '', neighbourhoodIds: [], euros: '' }];
  }

  removeEnvelope(index: number): void {
    this.envelopes = this.envelopes.filter((_, i) => i !== index);
  }

  /** The request, or null with `errors` naming each field (`name.fr`, `amount`, `dates.voting`, `envelopes.0`…). */
  request(): EditionRequest | null {
    const errors: Record<string, SetupError> = {};
    for (const language of this.languages) {
      if (!this.name[language]?.trim()) errors[`name.${language}`] = 'required';
      if (!this.text[language]?.trim()) errors[`text.${language}`] = 'required';
    }
    const amount = parseEuros(this.euros);
    if (amount === null || amount <= 0) errors.amount = 'amount';
    const whole = (value: NumberField): number | null => (/^\d+$/.test(filled(value)) ? Number(filled(value)) : null);
    const threshold = whole(this.threshold);
    if (threshold === null || threshold < 1) errors.threshold = 'number';
    const maxProjects = whole(this.maxProjects);
    const maxPoints = whole(this.maxPoints);
    if (this.ballotType === 'approval_count' && (maxProjects === null || maxProjects < 1)) errors.maxProjects = 'number';
    if (this.ballotType === 'cumulative' && (maxPoints === null || maxPoints < 1)) errors.maxPoints = 'number';
    const age = filled(this.minimumAge) ? whole(this.minimumAge) : null;
    if (filled(this.minimumAge) && age === null) errors.minimumAge = 'number';
    let previous = '';
    for (const phase of PHASES) {
      const instant = toInstant(this.dates[phase]);
      if (!instant) errors[`dates.${phase}`] = 'required';
      else if (previous && instant <= previous) errors[`dates.${phase}`] = 'dates';
      previous = instant || previous;
    }
    const envelopes = this.envelopes.map((e, i) => {
      const cents = parseEuros(e.euros);
      if (!e.name.trim() || e.neighbourhoodIds.length === 0 || cents === null || cents <= 0 || !/^[a-z0-9_-]{1,20}$/.test(e.id)) errors[`envelopes.${i}`] = 'envelope';
      return { id: e.id, name: Object.fromEntries(this.languages.map((l) => [l, e.name.trim()])), neighbourhood_ids: e.neighbourhoodIds, amount_cents: cents ?? 0 };
    });
    if (envelopes.length > 0 && amount !== null && !Object.keys(errors).some((k) => k.startsWith('envelopes.'))
      && envelopes.reduce((sum, e) => sum + e.amount_cents, 0) !== amount) errors.envelopes = 'envelopesSum';
    this.errors = errors;
    if (Object.keys(errors).length > 0) return null;
    const pick = (texts: Record<string, string>) => Object.fromEntries(this.languages.map((l) => [l, texts[l]!.trim()]));
    return {
      name: pick(this.name), text: pick(this.text), amount_cents: amount!, envelopes,
      ballot: { type: this.ballotType, max_projects: this.ballotType === 'approval_count' ? maxProjects : null, max_points: this.ballotType === 'cumulative' ? maxPoints : null },
      minimum_age: age, support_threshold: threshold!, rule: this.rule,
      dates: Object.fromEntries(PHASES.map((p) => [p, toInstant(this.dates[p])])) as EditionRequest['dates'],
    };
  }
}

/** A staff decision on a proposal, as typed: feasible with its final cost, or not, always with a reason. */
export type DecisionFields = { decision: 'feasible' | 'not_feasible' | 'merge' | ''; euros: string; reason: string; into: string };
export type DecisionError = 'decision' | 'amount' | 'reason' | 'into';

export function checkDecision(fields: DecisionFields): { error: DecisionError | null; finalCents: number | null } {
  if (!fields.decision) return { error: 'decision', finalCents: null };
  if (!fields.reason.trim()) return { error: 'reason', finalCents: null };
  if (fields.decision === 'merge') return { error: fields.into ? null : 'into', finalCents: null };
  if (fields.decision === 'not_feasible') return { error: null, finalCents: null };
  const cents = parseEuros(fields.euros);
  return cents === null || cents <= 0 ? { error: 'amount', finalCents: null } : { error: null, finalCents: cents };
}

/** The statuses waiting for the commune: proposals past the support threshold (and those still collecting, to merge). */
export const waitsForReview = (p: Proposal): boolean => p.status === 'in_review';

/** The admin area's budget section: the editions, the one chosen, its proposals and results, and what staff do. */
export class BudgetAdmin {
  editions: Edition[] = $state([]);
  edition: Edition | null = $state(null);
  proposals: Proposal[] = $state([]);
  results: Results | null = $state(null);
  problem: ApiProblem | null = $state(null);
  busy = $state(false);
  /** The last thing done, for the live region (message key suffix `budget.admin.done.<what>`). */
  done: string | null = $state(null);

  constructor(private readonly api: BudgetAdminApi, readonly lau2: string) {}

  get ref(): EditionRef | null {
    return this.edition ? { lau2: this.lau2, editionId: this.edition.id } : null;
  }

  async load(): Promise<void> {
    const outcome = await this.api.editions(this.lau2);
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return;
    }
    this.editions = outcome.data.editions;
    const keep = this.edition?.id;
    const chosen = this.editions.find((e) => e.id === keep) ?? this.editions[0];
    if (chosen) await this.choose(chosen.id);
  }

  async choose(editionId: string): Promise<void> {
    // Another edition starts empty; the same one, read again after an action, keeps what it shows meanwhile.
    if (this.edition?.id !== editionId) {
      this.results = null;
      this.proposals = [];
    }
    this.edition = this.editions.find((e) => e.id === editionId) ?? null;
    const ref = this.ref;
    if (!ref || !this.edition) return;
    const [proposals, results] = await Promise.all([
      this.api.proposals(ref),
      this.edition.phase === 'results' || this.edition.phase === 'implementation' ? this.api.results(ref) : Promise.resolve(null),
    ]);
    if (this.edition?.id !== editionId) return; // another edition was chosen meanwhile: its answers win
    if (proposals.ok) this.proposals = proposals.data.proposals;
    else this.problem = proposals.problem;
    this.results = results?.ok ? results.data : null;
  }

  /** Runs one staff action; on success the edition is read again and `done` says what happened. */
  private async act<T>(what: string, call: () => Promise<Outcome<T>>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.problem = null;
    this.done = null;
    const outcome = await call();
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return false;
    }
    await this.load(); // what the screen shows is the edition as it now is, then it says what was done
    this.done = what;
    return true;
  }

  save(setup: EditionSetup): Promise<boolean> {
    const body = setup.request();
    if (!body) return Promise.resolve(false);
    const ref = this.ref;
    if (setup.version !== null && ref) return this.act('saved', () => this.api.update(ref, { ...body, version: setup.version! }));
    return this.act('created', async () => {
      const outcome = await this.api.create(this.lau2, body);
      if (outcome.ok) this.edition = outcome.data;
      return outcome;
    });
  }

  get next(): Phase | null {
    return this.edition ? nextPhase(this.edition.phase) : null;
  }

  movePhase(): Promise<boolean> {
    const ref = this.ref;
    const next = this.next;
    if (!ref || !next || !this.edition) return Promise.resolve(false);
    return this.act('phase', () => this.api.movePhase(ref, next, this.edition!.version));
  }

  decide(proposal: Proposal, fields: DecisionFields): Promise<boolean> {
    const ref = this.ref;
    const { error, finalCents } = checkDecision(fields);
    if (!ref || error) return Promise.resolve(false);
    if (fields.decision === 'merge') return this.act('merged', () => this.api.merge(ref, proposal.id, fields.into, fields.reason.trim()));
    return this.act('reviewed', () =>
      this.api.review(ref, proposal.id, { decision: fields.decision as 'feasible' | 'not_feasible', final_cents: finalCents, reason: fields.reason.trim() }));
  }

  enterPaperBallot(code: string, choices: Record<string, number>): Promise<boolean> {
    const ref = this.ref;
    if (!ref) return Promise.resolve(false);
    return this.act('paper', () => this.api.paperBallot(ref, code.trim(), choices));
  }

  publish(): Promise<boolean> {
    const ref = this.ref;
    if (!ref || !this.edition) return Promise.resolve(false);
    return this.act('published', () => this.api.publish(ref, this.edition!.version));
  }

  progress(proposalId: string, state: ImplementationState, note: string, photoId: string | null = null): Promise<boolean> {
    const ref = this.ref;
    if (!ref) return Promise.resolve(false);
    return this.act('progress', () => this.api.implementation(ref, proposalId, state, note.trim(), photoId));
  }

  /** Where a funded project's progress photo is uploaded (the edition shown). */
  progressPhotos(proposalId: string): PhotoUploadApi {
    return this.api.progressPhotos(this.ref ?? { lau2: this.lau2, editionId: '' }, proposalId);
  }

  /** The paper voting cards as a PDF, or null (the problem kept). */
  async cards(userIds: string[], addressIds: string[], language: Locale): Promise<Blob | null> {
    const ref = this.ref;
    if (!ref || this.busy) return null;
    this.busy = true;
    this.problem = null;
    const outcome = await this.api.paperCards(ref, userIds, addressIds, language);
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return null;
    }
    return outcome.data;
  }
}
