import { api } from '../api/client';
import type { Outcome } from '../api/outcome';
import { httpMessagesApi } from './messages-api';

export type BadgeCounts = { unread_messages: number; loans_waiting: number };

/** How long a count is good for before a navigation asks again (a badge is a hint; the screens are the truth). */
export const BADGES_MAX_AGE_MS = 60_000;

/**
 * The header's badges: messages the resident has not read and loan requests waiting for their answer, from
 * one endpoint (`GET /me/badges`). Asked on navigation at most once a minute, never on a timer; the screens
 * that see the same facts (my conversations, my loans, a conversation just read) set them without asking.
 */
export class Badges {
  /** null until known (or for someone who cannot have messages). */
  messages: number | null = $state(null);
  loans: number | null = $state(null);
  readonly #api: { badges(): Promise<Outcome<BadgeCounts>> };
  readonly #clock: () => number;
  #run = 0;
  #askedAt = Number.NEGATIVE_INFINITY;

  constructor(api: { badges(): Promise<Outcome<BadgeCounts>> }, clock: () => number = () => Date.now()) {
    this.#api = api;
    this.#clock = clock;
  }

  /** On navigation: asks unless the counts are fresh; `force` asks anyway. */
  async refresh({ force = false }: { force?: boolean } = {}): Promise<void> {
    if (!force && this.#clock() - this.#askedAt < BADGES_MAX_AGE_MS) return;
    const run = ++this.#run;
    this.#askedAt = this.#clock();
    const outcome = await this.#api.badges();
    if (run !== this.#run) return; // a newer answer is on its way, or the badges were cleared
    if (outcome.ok) {
      this.messages = outcome.data.unread_messages;
      this.loans = outcome.data.loans_waiting;
      return;
    }
    this.#askedAt = Number.NEGATIVE_INFINITY; // ask again on the next navigation
    // A failed refresh keeps the last counts, unless the session ended.
    if (outcome.problem.kind === 'signedOut') this.messages = this.loans = null;
  }

  /** My conversations as a screen loaded them: their unread counts are the messages badge. */
  sawConversations(conversations: readonly { unread: number }[]): void {
    this.messages = conversations.reduce((sum, conversation) => sum + conversation.unread, 0);
  }

  /** A conversation was read that had `wasUnread` unread messages. */
  read(wasUnread: number): void {
    if (this.messages !== null) this.messages = Math.max(0, this.messages - wasUnread);
  }

  /** My loans as a screen loaded them: the requests of my things still waiting for my answer. */
  sawLoansWaiting(count: number): void {
    this.loans = count;
  }

  /** Signed out, or not a verified resident: no badges. */
  clear(): void {
    this.#run++;
    this.#askedAt = Number.NEGATIVE_INFINITY;
    this.messages = this.loans = null;
  }
}

/** The app's badges, shared by the header and the screens. */
export const badges = new Badges(httpMessagesApi(api));
