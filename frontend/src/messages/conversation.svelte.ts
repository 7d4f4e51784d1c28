import type { ApiProblem } from '../api/problem';
import { namesOf, type Conversation, type Message, type MessageReportReason, type MessagesApi } from './messages-api';

/** What the live region says after something happened in the conversation. */
export type ThreadNews =
  | { kind: 'sent' }
  | { kind: 'arrived'; count: number }
  | { kind: 'blocked' }
  | { kind: 'unblocked' }
  | { kind: 'reported' };

export type ThreadState = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; problem: ApiProblem };

/** The API's answer when a block (either way) or a move out of the neighbourhood stops messages. */
export const isRefusal = (problem: ApiProblem): boolean => problem.kind === 'forbidden';

/**
 * One conversation: its messages oldest to newest (pages further back on demand), the send box,
 * blocking the other person and reporting one of their messages. Reading a page marks it read.
 */
export class ConversationThread {
  state: ThreadState = $state({ state: 'loading' });
  /** Oldest first, as they are read. */
  messages: Message[] = $state([]);
  conversation: Conversation | null = $state(null);
  otherName: string | null = $state(null);
  /** Where the page before the oldest shown starts; null when the first message is shown. */
  olderCursor: string | null = $state(null);
  loadingOlder = $state(false);
  olderProblem: ApiProblem | null = $state(null);

  draft = $state('');
  sending = $state(false);
  sendProblem: ApiProblem | null = $state(null);
  /** The API refused to deliver: one of us blocked the other, or one moved away. */
  refused = $state(false);

  /** I have blocked the other person. */
  blocked = $state(false);
  blocking = $state(false);
  blockProblem: ApiProblem | null = $state(null);

  reporting = $state(false);
  reportProblem: ApiProblem | null = $state(null);
  reportedIds: Set<string> = $state(new Set());

  news: ThreadNews | null = $state(null);

  readonly id: string;
  readonly me: string;
  readonly #api: MessagesApi;
  readonly #neighbourhoodId: string | null;

  constructor(api: MessagesApi, id: string, me: string, neighbourhoodId: string | null) {
    this.#api = api;
    this.id = id;
    this.me = me;
    this.#neighbourhoodId = neighbourhoodId;
  }

  get otherId(): string | null {
    return this.conversation?.with_user_id ?? null;
  }

  /** The newest page, the conversation's entry in my list (who, about what, blocked) and the names. */
  async load(): Promise<void> {
    const [page, list, members] = await Promise.all([
      this.#api.messages(this.id),
      this.#api.conversations(),
      this.#neighbourhoodId ? this.#api.members(this.#neighbourhoodId) : Promise.resolve(null),
    ]);
    if (!page.ok) {
      this.state = { state: 'failed', problem: page.problem };
      return;
    }
    this.messages = [...page.data.messages].reverse();
    this.olderCursor = page.data.cursor;
    if (list.ok) {
      this.conversation = list.data.conversations.find((c) => c.id === this.id) ?? null;
      this.blocked = this.conversation?.blocked ?? false;
    }
    const other = this.otherId ?? this.messages.find((m) => m.author_id && m.author_id !== this.me)?.author_id ?? null;
    if (other && members?.ok) this.otherName = namesOf(members.data.members).get(other) ?? null;
    this.state = { state: 'ready' };
  }

  /** The page before the oldest message shown. */
  async older(): Promise<void> {
    if (!this.olderCursor || this.loadingOlder) return;
    this.loadingOlder = true;
    this.olderProblem = null;
    const outcome = await this.#api.messages(this.id, this.olderCursor);
    this.loadingOlder = false;
    if (!outcome.ok) {
      this.olderProblem = outcome.problem;
      return;
    }
    const shown = new Set(this.messages.map((m) => m.id));
    const earlier = [...outcome.data.messages].reverse().filter((m) => !shown.has(m.id));
    this.messages = [...earlier, ...this.messages];
    this.olderCursor = outcome.data.cursor;
  }

  /** Looks for messages that came since (when the reader comes back to the page, or asks). */
  async refresh(): Promise<void> {
    if (this.state.state !== 'ready') return;
    const outcome = await this.#api.messages(this.id);
    if (!outcome.ok) return; // a missed check is not worth an error; the next one will do
    const shown = new Set(this.messages.map((m) => m.id));
    const arrived = [...outcome.data.messages].reverse().filter((m) => !shown.has(m.id));
    if (arrived.length === 0) return;
    this.messages = [...this.messages, ...arrived];
    const fromOther = arrived.filter((m) => m.author_id !== this.me).length;
    if (fromOther > 0) {
      this.news = { kind: 'arrived', count: fromOther };
      void this.markRead(); // they are on screen
    }
  }

  /**
   * Tells the API the reader has the newest messages on screen (reading them changes nothing by itself);
   * how many were unread until now, or null when it could not say.
   */
  async markRead(): Promise<number | null> {
    if (this.state.state !== 'ready') return null;
    const outcome = await this.#api.read(this.id);
    return outcome.ok ? outcome.data.was_unread : null;
  }

  /** Sends the draft; true when it was delivered. */
  async send(): Promise<boolean> {
    const text = this.draft.trim();
    if (!text || this.sending) return false;
    this.sending = true;
    this.sendProblem = null;
    const outcome = await this.#api.send(this.id, text);
    this.sending = false;
    if (!outcome.ok) {
      this.sendProblem = outcome.problem;
      this.refused = isRefusal(outcome.problem);
      return false;
    }
    this.refused = false;
    this.draft = '';
    if (!this.messages.some((m) => m.id === outcome.data.id)) this.messages = [...this.messages, outcome.data];
    this.news = { kind: 'sent' };
    return true;
  }

  async block(): Promise<void> {
    await this.#setBlocked(true);
  }

  async unblock(): Promise<void> {
    await this.#setBlocked(false);
  }

  async #setBlocked(block: boolean): Promise<void> {
    const other = this.otherId;
    if (!other || this.blocking) return;
    this.blocking = true;
    this.blockProblem = null;
    const outcome = block ? await this.#api.block(other) : await this.#api.unblock(other);
    this.blocking = false;
    if (!outcome.ok) {
      this.blockProblem = outcome.problem;
      return;
    }
    this.blocked = block;
    if (!block) this.refused = false; // perhaps they can write again; the API will say
    this.news = { kind: block ? 'blocked' : 'unblocked' };
  }

  /** Reports one of the other person's messages to the neighbourhood's moderators; true when sent. */
  async report(messageId: string, reason: MessageReportReason, text: string): Promise<boolean> {
    if (this.reporting) return false;
    this.reporting = true;
    this.reportProblem = null;
    const outcome = await this.#api.report(messageId, reason, text.trim() || null);
    this.reporting = false;
    if (!outcome.ok) {
      this.reportProblem = outcome.problem;
      return false;
    }
    this.reportedIds = new Set([...this.reportedIds, messageId]);
    this.news = { kind: 'reported' };
    return true;
  }
}
