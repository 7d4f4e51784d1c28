import type { ApiProblem } from '../api/problem';
import type { SendFile } from '../posts/posts-api';
import type {
  Decision,
  IssuedLink,
  LinkRequest,
  LogoType,
  Publisher,
  PublisherLink,
  PublisherRequest,
  PublishingApi,
  ReviewedAnnouncement,
} from './publishing-api';

/** Partners and the commune's services that publish, and whether partners need approval. */
export class Publishers {
  list: Publisher[] = $state([]);
  partnerApproval = $state(true);
  problem: ApiProblem | null = $state(null);
  saved: string | null = $state(null);
  busy = $state(false);

  readonly #api: PublishingApi;
  readonly #lau2: string;

  constructor(api: PublishingApi, lau2: string) {
    this.#api = api;
    this.#lau2 = lau2;
  }

  async load(): Promise<void> {
    const [list, settings] = await Promise.all([this.#api.publishers(this.#lau2), this.#api.settings(this.#lau2)]);
    if (list.ok) this.list = list.data.publishers;
    else this.problem = list.problem;
    if (settings.ok) this.partnerApproval = settings.data.partner_approval;
  }

  /** Registers a publisher; returns true when done (the form then clears). */
  async register(request: PublisherRequest): Promise<boolean> {
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.register(this.#lau2, request);
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return false;
    }
    this.list = [...this.list, outcome.data];
    this.saved = outcome.data.name;
    return true;
  }

  async setStatus(id: string, status: Publisher['status']): Promise<void> {
    const outcome = await this.#api.setStatus(this.#lau2, id, status);
    if (outcome.ok) this.list = this.list.map((p) => (p.id === id ? outcome.data : p));
    else this.problem = outcome.problem;
  }

  async setApproval(required: boolean): Promise<void> {
    const outcome = await this.#api.setSettings(this.#lau2, required);
    if (outcome.ok) this.partnerApproval = outcome.data.partner_approval;
    else this.problem = outcome.problem;
  }

  async uploadLogo(id: string, file: Blob & { name: string }, send: SendFile): Promise<boolean> {
    const type = (['image/jpeg', 'image/png', 'image/webp'] as LogoType[]).find((t) => t === file.type);
    if (!type) return false;
    const started = await this.#api.startLogo(this.#lau2, id, type, file.size);
    if (!started.ok) {
      this.problem = started.problem;
      return false;
    }
    return send(started.data.upload, file, () => undefined);
  }
}

/** Publisher links: issue (the link is shown once), list, revoke. */
export class PublisherLinks {
  list: PublisherLink[] = $state([]);
  issued: IssuedLink | null = $state(null);
  problem: ApiProblem | null = $state(null);
  busy = $state(false);

  readonly #api: PublishingApi;
  readonly #lau2: string;

  constructor(api: PublishingApi, lau2: string) {
    this.#api = api;
    this.#lau2 = lau2;
  }

  async load(): Promise<void> {
    const outcome = await this.#api.links(this.#lau2);
    if (outcome.ok) this.list = outcome.data.links;
    else this.problem = outcome.problem;
  }

  async issue(request: LinkRequest): Promise<void> {
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.issue(this.#lau2, request);
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return;
    }
    this.issued = outcome.data;
    const { token: _token, url: _url, ...listed } = outcome.data;
    this.list = [listed, ...this.list];
  }

  /** Forgets the issued link: it is never shown again. */
  dismiss(): void {
    this.issued = null;
  }

  async revoke(id: string): Promise<void> {
    const outcome = await this.#api.revoke(this.#lau2, id);
    if (outcome.ok) this.list = this.list.map((l) => (l.id === id ? outcome.data : l));
    else this.problem = outcome.problem;
  }
}

/** The approval queue (partner announcements waiting for staff) and what is published, to withdraw. */
export class Approvals {
  pending: ReviewedAnnouncement[] = $state([]);
  published: ReviewedAnnouncement[] = $state([]);
  problem: ApiProblem | null = $state(null);
  decided: { title: string; decision: Decision } | null = $state(null);

  readonly #api: PublishingApi;
  readonly #lau2: string;

  constructor(api: PublishingApi, lau2: string) {
    this.#api = api;
    this.#lau2 = lau2;
  }

  async load(language: string): Promise<void> {
    const [pending, published] = await Promise.all([
      this.#api.reviews(this.#lau2, 'pending', language),
      this.#api.reviews(this.#lau2, 'published', language),
    ]);
    if (pending.ok) this.pending = pending.data.announcements;
    else this.problem = pending.problem;
    if (published.ok) this.published = published.data.announcements;
  }

  async decide(id: string, decision: Decision, reason = ''): Promise<void> {
    this.problem = null;
    const outcome = await this.#api.decide(this.#lau2, id, decision, reason);
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return;
    }
    this.pending = this.pending.filter((a) => a.id !== id);
    this.published = this.published.filter((a) => a.id !== id);
    if (decision === 'approve') this.published = [outcome.data, ...this.published];
    this.decided = { title: outcome.data.title, decision };
  }
}
