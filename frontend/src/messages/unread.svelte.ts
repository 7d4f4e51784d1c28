import { api } from '../api/client';
import { httpMessagesApi, type MessagesApi } from './messages-api';

/**
 * How many messages the signed-in resident has not read, for the header's badge. It asks when
 * told to (on navigation, after reading a conversation), never on a timer.
 */
export class UnreadBadge {
  /** null until known (or for someone who cannot have messages). */
  count: number | null = $state(null);
  readonly #api: Pick<MessagesApi, 'unread'>;
  #run = 0;

  constructor(api: Pick<MessagesApi, 'unread'>) {
    this.#api = api;
  }

  async refresh(): Promise<void> {
    const run = ++this.#run;
    const outcome = await this.#api.unread();
    if (run !== this.#run) return; // a newer answer is on its way, or the badge was cleared
    // A failed refresh keeps the last count: the badge is a hint, the list is the truth.
    if (outcome.ok) this.count = outcome.data.unread;
    else if (outcome.problem.kind === 'signedOut') this.count = null;
  }

  /** Signed out, or not a verified resident: no badge. */
  clear(): void {
    this.#run++;
    this.count = null;
  }
}

/** The app's one badge, shared by the header and the messages screens. */
export const unreadBadge = new UnreadBadge(httpMessagesApi(api));
