import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';

/** A file the API makes on request (letters, posters, an invitation): one at a time, its problem kept. */
export class Download {
  busy = $state(false);
  problem: ApiProblem | null = $state(null);
  /** True once the last file was handed to the browser. */
  ready = $state(false);

  async run(fetch: () => Promise<Outcome<Blob>>): Promise<Blob | null> {
    if (this.busy) return null;
    this.busy = true;
    this.problem = null;
    this.ready = false;
    const outcome = await fetch();
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return null;
    }
    this.ready = true;
    return outcome.data;
  }
}
