import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { namesOf, type Conversation, type MessagesApi, type StartRequest } from './messages-api';

/** When a conversation last moved: its last message, else when it began. */
export const lastActivity = (c: Conversation): string => c.last_message_at ?? c.created_at;

/** Newest first (the API sends them so; a list merged from several answers stays so). */
export function newestFirst(conversations: Conversation[]): Conversation[] {
  return [...conversations].sort((a, b) => Date.parse(lastActivity(b)) - Date.parse(lastActivity(a)));
}

/**
 * The resident's conversations, and the start of a new one when a link asked for it
 * (`/messages?to=<user id>&about=post:<id>`): the existing conversation with that person opens
 * instead when there is one.
 */
export class Inbox {
  conversations: Loading<Conversation[]> = $state({ state: 'loading' });
  names: Map<string, string> = $state(new Map());
  /** The person the link asks to write to; null when the link is broken, undefined when there is none. */
  readonly request: StartRequest | null | undefined;
  draft = $state('');
  starting = $state(false);
  startProblem: ApiProblem | null = $state(null);

  readonly #api: MessagesApi;
  readonly #neighbourhoodId: string | null;

  constructor(api: MessagesApi, me: string, neighbourhoodId: string | null, request: StartRequest | null | undefined) {
    this.#api = api;
    this.#neighbourhoodId = neighbourhoodId;
    this.request = request && request.to === me ? null : request;
  }

  /** Loads the list; returns the id of the conversation to open when the link names someone already written to. */
  async load(): Promise<string | null> {
    const [list, members] = await Promise.all([
      this.#api.conversations(),
      this.#neighbourhoodId ? this.#api.members(this.#neighbourhoodId) : Promise.resolve(null),
    ]);
    if (members?.ok) this.names = namesOf(members.data.members);
    if (!list.ok) {
      this.conversations = { state: 'failed', problem: list.problem };
      return null;
    }
    const sorted = newestFirst(list.data.conversations);
    this.conversations = { state: 'ready', value: sorted };
    const to = this.request?.to;
    return to ? (sorted.find((c) => c.with_user_id === to)?.id ?? null) : null;
  }

  nameOf(userId: string): string | null {
    return this.names.get(userId) ?? null;
  }

  /** Is the person the link names one of my verified neighbours (as far as the list of members says)? */
  get recipientKnown(): boolean {
    return !!this.request && this.names.has(this.request.to);
  }

  /** Sends the first message; returns the new conversation's id, or null (see `startProblem`). */
  async begin(): Promise<string | null> {
    const text = this.draft.trim();
    if (!this.request || this.starting) return null;
    if (!text) {
      this.startProblem = { status: 400, code: 'empty', message: '', fields: { text: 'empty' }, kind: 'invalid' };
      return null;
    }
    this.starting = true;
    this.startProblem = null;
    const outcome = await this.#api.start({ with_user_id: this.request.to, about: this.request.about, text });
    this.starting = false;
    if (!outcome.ok) {
      this.startProblem = outcome.problem;
      return null;
    }
    this.draft = '';
    return outcome.data.id;
  }
}
