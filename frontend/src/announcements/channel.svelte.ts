import type { ApiProblem } from '../api/problem';
import type { Announcement, AnnouncementsApi, ChannelLanguage } from './announcements-api';

/** The resident's channel: pages newest first, and one announcement opened from a link (?id=). */
export class AnnouncementChannel {
  items: Announcement[] = $state([]);
  opened: Announcement | null = $state(null);
  cursor: string | null = $state(null);
  loading = $state(false);
  loaded = $state(false);
  problem: ApiProblem | null = $state(null);
  openedProblem: ApiProblem | null = $state(null);

  readonly #api: AnnouncementsApi;
  #language: ChannelLanguage = 'fr';

  constructor(api: AnnouncementsApi) {
    this.#api = api;
  }

  async load(language: ChannelLanguage, openId: string | null = null): Promise<void> {
    this.#language = language;
    this.loading = true;
    this.problem = null;
    const [page, one] = await Promise.all([
      this.#api.mine(language),
      openId ? this.#api.one(openId, language) : Promise.resolve(null),
    ]);
    this.loading = false;
    this.loaded = true;
    if (page.ok) {
      this.items = page.data.announcements;
      this.cursor = page.data.cursor ?? null;
    } else {
      this.problem = page.problem;
    }
    if (one) {
      this.opened = one.ok ? one.data : null;
      this.openedProblem = one.ok ? null : one.problem;
    }
  }

  async more(): Promise<void> {
    if (!this.cursor || this.loading) return;
    this.loading = true;
    const page = await this.#api.mine(this.#language, this.cursor);
    this.loading = false;
    if (!page.ok) {
      this.problem = page.problem;
      return;
    }
    const known = new Set(this.items.map((a) => a.id));
    this.items = [...this.items, ...page.data.announcements.filter((a) => !known.has(a.id))];
    this.cursor = page.data.cursor ?? null;
  }
}
