import type { ApiProblem } from '../api/problem';
import type { AuditApi, AuditEntry } from './audit-api';

/** The admin page's audit log: its pages, newest first, and whether the viewer may read it at all. State, no DOM. */
export class AuditLog {
  /** `hidden`: not an admin of the commune (403), so the panel does not show. */
  state: 'loading' | 'ready' | 'failed' | 'hidden' = $state('loading');
  entries: AuditEntry[] = $state([]);
  cursor: string | null = $state(null);
  problem: ApiProblem | null = $state(null);
  paging = $state(false);

  constructor(
    private readonly api: AuditApi,
    private readonly lau2: string,
  ) {}

  async load(): Promise<void> {
    this.state = 'loading';
    this.problem = null;
    const outcome = await this.api.page(this.lau2);
    if (outcome.ok) {
      this.entries = outcome.data.entries;
      this.cursor = outcome.data.cursor ?? null;
      this.state = 'ready';
    } else if (outcome.problem.kind === 'forbidden') {
      this.state = 'hidden';
    } else {
      this.problem = outcome.problem;
      this.state = 'failed';
    }
  }

  /** The next, older page, appended; returns the index of its first entry (-1 when nothing came). */
  async older(): Promise<number> {
    if (this.paging || !this.cursor) return -1;
    this.paging = true;
    this.problem = null;
    const outcome = await this.api.page(this.lau2, this.cursor);
    this.paging = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return -1;
    }
    const first = this.entries.length;
    this.entries = [...this.entries, ...outcome.data.entries];
    this.cursor = outcome.data.cursor ?? null;
    return outcome.data.entries.length ? first : -1;
  }
}
