import type { ApiProblem } from '../api/problem';
import type { Announcement } from '../announcements/announcements-api';
import type { PublicAnnouncementsApi, PublicLanguage } from './public-announcements-api';

/** How many more pages to read looking for the announcement a link's anchor names. */
export const MAX_EXTRA_PAGES = 4;
const ANCHOR = /^#announcement-([0-9A-Za-z_-]{1,64})$/;

/** The announcement id in a link's anchor (`#announcement-<id>`, as the Atom feed links), or null. */
export function anchoredId(hash: string): string | null {
  return ANCHOR.exec(hash)?.[1] ?? null;
}

/** The public commune page's announcements: newest first, paged, and the one a link's anchor names. */
export class PublicAnnouncements {
  items: Announcement[] = $state([]);
  cursor: string | null = $state(null);
  loading = $state(false);
  loaded = $state(false);
  problem: ApiProblem | null = $state(null);
  /** The anchored announcement is not (or no longer) shown: expired, withdrawn or not public. */
  anchorMissing = $state(false);

  readonly lau2: string;
  readonly #api: PublicAnnouncementsApi;
  #language: PublicLanguage = 'fr';
  #generation = 0;

  constructor(api: PublicAnnouncementsApi, lau2: string) {
    this.#api = api;
    this.lau2 = lau2;
  }

  /** Loads the first page in `language`; with `wanted`, reads on (a few pages at most) until it is there. */
  async load(language: PublicLanguage, wanted: string | null = null): Promise<void> {
    const generation = ++this.#generation; // a later load (language switched) wins over an earlier one
    this.#language = language;
    this.loading = true;
    this.problem = null;
    const first = await this.#api.list(this.lau2, language);
    if (generation !== this.#generation) return;
    if (!first.ok) {
      this.loading = false;
      this.loaded = true;
      this.problem = first.problem;
      return;
    }
    let items = first.data.announcements;
    let cursor = first.data.cursor ?? null;
    for (let extra = 0; wanted && cursor && extra < MAX_EXTRA_PAGES && !items.some((a) => a.id === wanted); extra++) {
      const next = await this.#api.list(this.lau2, language, cursor);
      if (generation !== this.#generation) return;
      if (!next.ok) break; // what was read is still shown
      items = merged(items, next.data.announcements);
      cursor = next.data.cursor ?? null;
    }
    this.items = items;
    this.cursor = cursor;
    this.anchorMissing = wanted !== null && !items.some((a) => a.id === wanted);
    this.loading = false;
    this.loaded = true;
  }

  async more(): Promise<void> {
    if (!this.cursor || this.loading) return;
    const generation = this.#generation;
    this.loading = true;
    const page = await this.#api.list(this.lau2, this.#language, this.cursor);
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!page.ok) {
      this.problem = page.problem;
      return;
    }
    this.items = merged(this.items, page.data.announcements);
    this.cursor = page.data.cursor ?? null;
  }
}

function merged(items: Announcement[], more: Announcement[]): Announcement[] {
  const known = new Set(items.map((a) => a.id));
  return [...items, ...more.filter((a) => !known.has(a.id))];
}
