import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { BallotRules, MyBallot, Proposal } from './budget-api';

/** A project on my ballot: a feasible proposal of my envelope, at its final cost. */
export type BallotProject = { id: string; title: string; cents: number };

/** What the running total says (the live region reads it): budget left, projects chosen or points left. */
export type Tally =
  | { kind: 'budget'; spentCents: number; leftCents: number; over: boolean }
  | { kind: 'projects'; chosen: number; max: number; over: boolean }
  | { kind: 'points'; used: number; left: number; max: number; over: boolean };

/** Why the ballot cannot be sent yet, or what the API refused (`choices` or `choices.<id>`). */
export type BallotProblem = 'empty' | 'overBudget' | 'tooMany' | 'tooManyPoints' | 'badPoints';

/** The projects on my ballot: the feasible proposals of my envelope (not one a moderator hid, as the API says). */
export function ballotProjects(proposals: readonly Proposal[], envelopeId: string): BallotProject[] {
  return proposals
    .filter((p) => p.status === 'feasible' && p.envelope_id === envelopeId && !p.hidden)
    .map((p) => ({ id: p.id, title: p.title, cents: p.final_cents ?? p.estimated_cents }));
}

/**
 * My ballot as I fill it in: approval (tick projects within the budget), approval with a number of projects, or
 * cumulative points. It checks what the API checks (chalicelib/budget/ballots.py) so the screen says it before
 * sending; the API's 400/409 are shown as they come.
 */
export class Ballot {
  choices: Record<string, number> = $state({});
  busy = $state(false);
  problem: ApiProblem | null = $state(null);
  /** True once the API holds my vote (from my ballot, or after sending). */
  voted = $state(false);
  channel: MyBallot['channel'] = $state(null);
  /** Set after a send went through: 'sent' the first time, 'changed' after. */
  done: 'sent' | 'changed' | null = $state(null);

  constructor(
    readonly rules: BallotRules,
    readonly projects: readonly BallotProject[],
    readonly budgetCents: number,
    mine: MyBallot | null = null,
  ) {
    if (mine) {
      // Only projects still on the ballot: one a moderator hid since is left out (sending it back would be refused).
      const onBallot = new Set(projects.map((p) => p.id));
      this.choices = Object.fromEntries(Object.entries(mine.choices).filter(([id]) => onBallot.has(id)));
      this.voted = mine.voted;
      this.channel = mine.channel ?? null;
    }
  }

  get approval(): boolean {
    return this.rules.type !== 'cumulative';
  }

  chosen(id: string): boolean {
    return (this.choices[id] ?? 0) > 0;
  }

  /** Tick or untick a project (approval ballots). */
  choose(id: string, on: boolean): void {
    const next = { ...this.choices };
    if (on) next[id] = 1;
    else delete next[id];
    this.choices = next;
    this.done = null;
  }

  /** Give a project points (cumulative ballots); 0 or an empty field takes them back. */
  give(id: string, points: number): void {
    const next = { ...this.choices };
    if (Number.isFinite(points) && points > 0) next[id] = Math.floor(points);
    else delete next[id];
    this.choices = next;
    this.done = null;
  }

  get spentCents(): number {
    return this.projects.reduce((sum, p) => sum + (this.chosen(p.id) ? p.cents : 0), 0);
  }

  get pointsUsed(): number {
    return Object.values(this.choices).reduce((sum, points) => sum + points, 0);
  }

  get tally(): Tally {
    const type = this.rules.type;
    if (type === 'cumulative') {
      const max = this.rules.max_points ?? 0;
      const used = this.pointsUsed;
      return { kind: 'points', used, left: max - used, max, over: used > max };
    }
    if (type === 'approval_count') {
      const max = this.rules.max_projects ?? 0;
      const chosen = Object.keys(this.choices).length;
      return { kind: 'projects', chosen, max, over: chosen > max };
    }
    const spentCents = this.spentCents;
    return { kind: 'budget', spentCents, leftCents: this.budgetCents - spentCents, over: spentCents > this.budgetCents };
  }

  /** Whether ticking `id` now would go beyond the ballot's limit (the screen says so beside it). */
  wouldExceed(id: string): boolean {
    if (this.chosen(id)) return false;
    const tally = this.tally;
    if (tally.kind === 'budget') {
      const project = this.projects.find((p) => p.id === id);
      return project !== undefined && project.cents > tally.leftCents;
    }
    if (tally.kind === 'projects') return tally.chosen >= tally.max;
    return false;
  }

  /** What stops the ballot from being sent, checked as the API does; null when it can go. */
  get blocking(): BallotProblem | null {
    if (Object.keys(this.choices).length === 0) return 'empty';
    const tally = this.tally;
    if (!tally.over) return null;
    return tally.kind === 'budget' ? 'overBudget' : tally.kind === 'projects' ? 'tooMany' : 'tooManyPoints';
  }

  /** The API's reason for one project (`choices.<id>`), shown beside its field. */
  fieldProblem(id: string): string | null {
    return this.problem?.fields[`choices.${id}`] ?? null;
  }

  async send(vote: (choices: Record<string, number>) => Promise<Outcome<MyBallot>>): Promise<boolean> {
    if (this.busy || this.blocking) return false;
    this.busy = true;
    this.problem = null;
    const before = this.voted;
    const outcome = await vote({ ...this.choices });
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return false;
    }
    this.voted = true;
    this.channel = outcome.data.channel ?? 'online';
    this.choices = { ...outcome.data.choices };
    this.done = before ? 'changed' : 'sent';
    return true;
  }
}
