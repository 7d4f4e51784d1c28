import type { CommuneApi } from '../communes/commune-api';
import { moderatedCommunes, moderationDesks } from '../session/doors';
import type { Profile } from '../session/session-api';

/**
 * "Where you help", on the profile: the moderation queues this person opens (their ambassadorships, and every
 * neighbourhood of the communes they moderate, from the public list of the commune's neighbourhoods).
 */
export class WhereIHelp {
  desks: { id: string; name: string }[] = $state([]);
  readonly #api: Pick<CommuneApi, 'neighbourhoods'>;

  constructor(api: Pick<CommuneApi, 'neighbourhoods'>) {
    this.#api = api;
  }

  async load(profile: Profile): Promise<void> {
    this.desks = moderationDesks(profile, {});
    const communes = moderatedCommunes(profile);
    if (communes.length === 0) return;
    const lists = await Promise.all(communes.map((lau2) => this.#api.neighbourhoods(lau2)));
    const byCommune: Record<string, { id: string; name: string }[]> = {};
    communes.forEach((lau2, index) => {
      const outcome = lists[index];
      if (outcome?.ok) byCommune[lau2] = outcome.data.neighbourhoods.map(({ id, name }) => ({ id, name }));
    });
    this.desks = moderationDesks(profile, byCommune);
  }
}
