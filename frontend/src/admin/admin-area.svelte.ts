import type { ApiClient } from '../api/client';
import type { ApiProblem } from '../api/problem';
import type { Commune, CommuneApi, NeighbourhoodSummary } from '../communes/commune-api';
import type { StaffRole } from './sections';

/** What every section of a commune's admin area shares: the commune, its neighbourhoods, the reader's roles there. */
export class AdminArea {
  commune: Commune | null = $state(null);
  /** The commune's name, once known (and as renamed in its settings). */
  name = $state('');
  problem: ApiProblem | null = $state(null);
  neighbourhoods: NeighbourhoodSummary[] = $state([]);

  constructor(
    readonly api: ApiClient,
    readonly lau2: string,
    readonly roles: readonly StaffRole[],
    private readonly communes: CommuneApi,
  ) {}

  async load(): Promise<void> {
    const [commune, neighbourhoods] = await Promise.all([this.communes.commune(this.lau2), this.communes.neighbourhoods(this.lau2)]);
    if (commune.ok) {
      this.commune = commune.data;
      this.name = commune.data.name;
    } else this.problem = commune.problem;
    if (neighbourhoods.ok) this.neighbourhoods = neighbourhoods.data.neighbourhoods;
  }
}
