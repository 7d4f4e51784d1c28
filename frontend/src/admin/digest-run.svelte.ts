import type { ApiProblem } from '../api/problem';
import type { DigestApi, DigestRunReport } from './digest-api';

/** The admin page's "run the digest now" button (local stage only): state, no DOM. */
export class DigestRun {
  local = $state(false);
  running = $state(false);
  report: DigestRunReport | null = $state(null);
  problem: ApiProblem | null = $state(null);

  constructor(
    private readonly api: DigestApi,
    private readonly lau2: string,
  ) {}

  async load(): Promise<void> {
    const outcome = await this.api.stage();
    this.local = outcome.ok && outcome.data === 'local';
  }

  async run(dryRun: boolean): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.problem = null;
    this.report = null;
    const outcome = await this.api.run(this.lau2, dryRun);
    this.running = false;
    if (outcome.ok) this.report = outcome.data;
    else this.problem = outcome.problem;
  }
}
