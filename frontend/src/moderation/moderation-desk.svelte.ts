import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { namesOf } from '../messages/messages-api';
import {
  pendingAppeals,
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

/** How many log entries show at a time. */
export const LOG_PAGE = 20;

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
 * queue with the reported content, decisions on it, appeals waiting for a second moderator, and
 * the log of every action. To anyone else the API answers 404 and so does the screen.
 */
export class ModerationDesk {
  status: ReportStatus = $state('open');
  reports: Loading<ReportedTarget[]> = $state({ state: 'loading' });
  log: Loading<AuditEntry[]> = $state({ state: 'loading' });
  names: Map<string, string> = $state(new Map());
  logShown = $state(LOG_PAGE);
  /** The key of the report or appeal being decided. */
  busy: string | null = $state(null);
  problem: DecisionProblem | null = $state(null);
  news: ModerationNews | null = $state(null);

  readonly neighbourhoodId: string;
  readonly me: string;
  readonly #api: ModerationApi;

  constructor(api: ModerationApi, neighbourhoodId: string, me: string) {
    this.#api = api;
    this.neighbourhoodId = neighbourhoodId;
    this.me = me;
  }

  /** Appeals in the log that no moderator decided yet, oldest first. */
  get appeals(): PendingAppeal[] {
    return this.log.state === 'ready' ? pendingAppeals(this.log.value) : [];
  }

  get shownLog(): AuditEntry[] {
    return this.log.state === 'ready' ? this.log.value.slice(0, this.logShown) : [];
  }

  get moreLog(): boolean {
    return this.log.state === 'ready' && this.log.value.length > this.logShown;
  }

  /** Not a moderator here (or no such neighbourhood): the API's 404. */
  get notFound(): boolean {
    return this.reports.state === 'failed' && this.reports.problem.kind === 'notFound';
  }

  async load(): Promise<void> {
    const [, , members] = await Promise.all([
      this.#loadReports(),
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

  showMoreLog(): void {
    this.logShown += LOG_PAGE;
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
    await this.#loadLog();
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

  async #loadLog(): Promise<void> {
    const outcome = await this.#api.log(this.neighbourhoodId);
    this.log = outcome.ok ? { state: 'ready', value: outcome.data.entries } : { state: 'failed', problem: outcome.problem };
  }
}
