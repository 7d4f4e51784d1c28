import type { ApiClient, Invitation } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import { Download } from '../lib/download.svelte';

/** What inviting a neighbour needs of the API; tests pass a fake. */
export interface InvitationApi {
  invitation(): Promise<Outcome<Invitation>>;
  invitationFlyer(): Promise<Outcome<Blob>>;
}

export function httpInvitationApi(client: ApiClient): InvitationApi {
  return {
    invitation: () => outcomeOf(client.GET('/api/v1/me/invitation')),
    invitationFlyer: () =>
      outcomeOf(
        client.GET('/api/v1/me/invitation/flyer', { headers: { Accept: 'application/pdf' }, parseAs: 'blob' }),
      ) as unknown as Promise<Outcome<Blob>>,
  };
}

/** A verified resident's invitation: asked once, when they first copy, share or print it (not on page load). */
export class InvitationCard {
  invitation: Invitation | null = $state(null);
  problem: ApiProblem | null = $state(null);
  copied = $state(false);
  readonly flyer = new Download();
  readonly #api: InvitationApi;

  constructor(api: InvitationApi) {
    this.#api = api;
  }

  async load(): Promise<Invitation | null> {
    if (this.invitation) return this.invitation;
    const outcome = await this.#api.invitation();
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return null;
    }
    this.problem = null;
    this.invitation = outcome.data;
    return outcome.data;
  }

  /** Puts the link on the clipboard (`write` is navigator.clipboard's writeText in the app). */
  async copy(write: (text: string) => Promise<void>): Promise<void> {
    this.copied = false;
    const invitation = await this.load();
    if (!invitation) return;
    try {
      await write(invitation.url);
      this.copied = true;
    } catch {
      this.copied = false; // the link stays on screen to copy by hand
    }
  }

  printFlyer(): Promise<Blob | null> {
    return this.flyer.run(() => this.#api.invitationFlyer());
  }
}
