import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { namesOf } from '../messages/messages-api';
import {
  pendingAppealOf,
  type AppealVerdict,
  type AuditEntry,
  type DecisionAction,
  type HideReason,
  type ModerationApi,
  type PendingAppeal,
  type ReportedTarget,
  type ReportStatus,
  type TargetType,
} from './moderation-api';

/** A list the desk reads a page at a time from the API. */
export type PagedList = 'log' | 'appeals';

/** What the live region says once a decision went through. */
export type ModerationNews =
  | { kind: 'decided'; action: DecisionAction; target: TargetType }
  | { kind: 'appeal'; verdict: AppealVerdict };

/** A problem with one decision, shown next to the thing decided on. */
export type DecisionProblem = { key: string; problem: ApiProblem };

export const targetKey = (target: Pick<ReportedTarget, 'target_type' | 'target_id'>): string => `${target.target_type}:${target.target_id}`;
export const appealKey = (appeal: Pick<PendingAppeal, 'postId'>): string => `appeal:${appeal.postId}`;

const missing = (field: string): ApiProblem => ({ status: 400, code: 'missing', message: '', fields: { [field]: 'missing' }, kind: 'invalid' });

/**
 * A neighbourhood's moderation, for its ambassadors and the commune's moderators: the reports
 * queue with the reported content, decisions on it, appeals waiting for a second moderator (the
 * API's queue, oldest first), and the log of every action (newest first, older pages on demand).
 * To anyone else the API answers 404 and so does the screen.
 */
export class ModerationDesk {
  status: ReportStatus = $state('open');
  reports: Loading<ReportedTarget[]> = $state({ state: 'loading' });
  appeals: Loading<PendingAppeal[]> = $state({ state: 'loading' });
  /** Where the next page of appeals starts; null when every waiting appeal is shown. */
  appealsCursor: string | null = $state(null);
  log: Loading<AuditEntry[]> = $state({ state: 'loading' });
  /** Where older log entries start; null at the oldest. */
  logCursor: string | null = $state(null);
  /** The list whose next page is being read. */
  paging: PagedList | null = $state(null);
  /** Why the next page of a list could not be read (the pages shown stay). */
  pageProblem: { list: PagedList; problem: ApiProblem } | null = $state(null);
  names: Map<string, string> = $state(new Map());
  /** The key of the report or appeal being decided. */
  busy: string | null = $state(null);
  problem: DecisionProblem | null = $state(null);
  news: ModerationNews | null = $state(null);

  readonly neighbourhoodId: string;
  readonly me: string;
  /**
   * Whether the moderator is a verified resident here, who can open the neighbourhood's posts. A
   * commune moderator living elsewhere cannot (404): the cards show them the content instead.
   */
  readonly livesHere: boolean;
  readonly #api: ModerationApi;
  /** Bumped each time a list is read from its first page, so a next page read before is not appended. */
  #reads = { log: 0, appeals: 0 };

  /** `home`: the moderator's neighbourhood, when they are a verified resident of one. */
  constructor(api: ModerationApi, neighbourhoodId: string, me: string, home: string | null = null) {
    this.#api = api;
    this.neighbourhoodId = neighbourhoodId;
    this.me = me;
    this.livesHere = home === neighbourhoodId;
  }

  /** The page's refusal, from whichever of its lists answered first (they answer alike): 404 or 403. */
  get refusal(): ApiProblem | null {
    for (const list of [this.reports, this.appeals, this.log]) {
      if (list.state === 'failed' && (list.problem.kind === 'notFound' || list.problem.kind === 'forbidden')) return list.problem;
    }
    return null;
  }

  /** Not a moderator here (or no such neighbourhood): the API's 404. */
  get notFound(): boolean {
    return this.refusal?.kind === 'notFound';
  }

  /** The commune's staff, who do not moderate: the API's 403 says who does. */
  get staffOnly(): boolean {
    return this.refusal?.kind === 'forbidden';
  }

  async load(): Promise<void> {
    const [, , , members] = await Promise.all([
      this.#loadReports(),
      this.#loadAppeals(),
      this.#loadLog(),
      this.#api.members(this.neighbourhoodId),
    ]);
    if (members.ok) this.names = namesOf(members.data.members);
  }

  nameOf(userId: string | null): string | null {
    return userId ? (this.names.get(userId) ?? null) : null;
  }

  async showStatus(status: ReportStatus): Promise<void> {
    if (status === this.status) return;
    this.status = status;
    this.problem = null;
    this.reports = { state: 'loading' };
    await this.#loadReports();
  }

  /** Reads the next page of older log entries; the index of the first one added, or -1. */
  olderLog(): Promise<number> {
    return this.#nextPage<AuditEntry>(
      'log',
      () => this.log,
      this.logCursor,
      async (cursor) => {
        const outcome = await this.#api.log(this.neighbourhoodId, cursor);
        return outcome.ok ? { ok: true, data: { items: outcome.data.entries, cursor: outcome.data.cursor } } : outcome;
      },
      (shown, page) => [...shown, ...page],
      (value, cursor) => {
        this.log = { state: 'ready', value };
        this.logCursor = cursor;
      },
    );
  }

  /** Reads the next page of waiting appeals; the index of the first one added, or -1. */
  moreAppeals(): Promise<number> {
    return this.#nextPage<PendingAppeal>(
      'appeals',
      () => this.appeals,
      this.appealsCursor,
      async (cursor) => {
        const outcome = await this.#api.appeals(this.neighbourhoodId, cursor);
        return outcome.ok ? { ok: true, data: { items: outcome.data.appeals.map(pendingAppealOf), cursor: outcome.data.cursor } } : outcome;
      },
      (shown, page) => {
        const known = new Set(shown.map((a) => a.postId)); // an appeal decided meanwhile moves the page's start
        return [...shown, ...page.filter((a) => !known.has(a.postId))];
      },
      (value, cursor) => {
        this.appeals = { state: 'ready', value };
        this.appealsCursor = cursor;
      },
    );
  }

  /**
   * The next page of `list`: read from `cursor`, joined to what is shown, stored; the index of the
   * first item added, or -1 (nothing more, a page already being read, the list read again from its
   * first page meanwhile, or a problem, kept in `pageProblem` while the pages shown stay).
   */
  async #nextPage<T>(
    list: PagedList,
    shown: () => Loading<T[]>,
    cursor: string | null,
    read: (cursor: string) => Promise<Outcome<{ items: T[]; cursor: string | null }>>,
    join: (shown: T[], page: T[]) => T[],
    store: (value: T[], cursor: string | null) => void,
  ): Promise<number> {
    const before = shown();
    if (before.state !== 'ready' || !cursor || this.paging) return -1;
    this.paging = list;
    this.pageProblem = null;
    const reads = this.#reads[list];
    const outcome = await read(cursor);
    this.paging = null;
    const now = shown();
    if (reads !== this.#reads[list] || now.state !== 'ready') return -1; // read again meanwhile
    if (!outcome.ok) {
      this.pageProblem = { list, problem: outcome.problem };
      return -1;
    }
    const value = join(now.value, outcome.data.items);
    store(value, outcome.data.cursor);
    return value.length > now.value.length ? now.value.length : -1;
  }

  /** Hide (a reason is required), restore or dismiss a reported post, comment or message. */
  async decide(target: ReportedTarget, action: DecisionAction, reason: HideReason | null = null, note = ''): Promise<boolean> {
    const key = targetKey(target);
    if (this.busy) return false;
    if (action === 'hide' && !reason) {
      this.problem = { key, problem: missing('reason') };
      return false;
    }
    this.busy = key;
    this.problem = null;
    const outcome = await this.#api.decide(this.neighbourhoodId, target, { action, reason: action === 'hide' ? reason : null, note: note.trim() || null });
    this.busy = null;
    if (!outcome.ok) {
      this.problem = { key, problem: outcome.problem };
      return false;
    }
    if (this.reports.state === 'ready') {
      // Decided reports close: they leave the open queue (and join the closed one).
      const others = this.reports.value.filter((t) => targetKey(t) !== key);
      this.reports = { state: 'ready', value: this.status === 'open' ? others : [outcome.data, ...others] };
    }
    this.news = { kind: 'decided', action, target: target.target_type };
    // Showing a post again closes its pending appeal (moot): the queue is read again.
    await Promise.all([this.#loadLog(), target.target_type === 'post' && action !== 'hide' ? this.#loadAppeals() : null]);
    return true;
  }

  /** A second moderator upholds the hide or restores the post, saying why. */
  async decideAppeal(appeal: PendingAppeal, verdict: AppealVerdict, reason: string): Promise<boolean> {
    const key = appealKey(appeal);
    if (this.busy) return false;
    if (!reason.trim()) {
      this.problem = { key, problem: missing('reason') };
      return false;
    }
    this.busy = key;
    this.problem = null;
    const outcome = await this.#api.decideAppeal(appeal.postId, verdict, reason.trim());
    this.busy = null;
    if (!outcome.ok) {
      this.problem = { key, problem: outcome.problem };
      return false;
    }
    if (this.appeals.state === 'ready') {
      this.appeals = { state: 'ready', value: this.appeals.value.filter((a) => appealKey(a) !== key) };
    }
    this.news = { kind: 'appeal', verdict };
    await this.#loadLog();
    return true;
  }

  async #loadReports(): Promise<void> {
    const status = this.status;
    const outcome = await this.#api.reports(this.neighbourhoodId, status);
    if (status !== this.status) return; // switched meanwhile
    this.reports = outcome.ok ? { state: 'ready', value: outcome.data.targets } : { state: 'failed', problem: outcome.problem };
  }

  /** The newest page of the log (after a decision: older pages read so far are dropped). */
  async #loadLog(): Promise<void> {
    this.#reads.log += 1;
    const outcome = await this.#api.log(this.neighbourhoodId);
    this.log = outcome.ok ? { state: 'ready', value: outcome.data.entries } : { state: 'failed', problem: outcome.problem };
    this.logCursor = outcome.ok ? outcome.data.cursor : null;
  }

  async #loadAppeals(): Promise<void> {
    this.#reads.appeals += 1;
    const outcome = await this.#api.appeals(this.neighbourhoodId);
    this.appeals = outcome.ok ? { state: 'ready', value: outcome.data.appeals.map(pendingAppealOf) } : { state: 'failed', problem: outcome.problem };
    this.appealsCursor = outcome.ok ? outcome.data.cursor : null;
  }
}
