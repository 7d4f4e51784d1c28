import type { ApiProblem } from '../api/problem';
import type { ContentChoice, ProfileApi } from './profile-api';

/**
 * Deleting the account takes two steps: choose what happens to what one wrote, then confirm by
 * typing the confirmation word shown (in the reader's language), so a slip of the finger cannot do it.
 */
export class AccountDeletion {
  step: 'closed' | 'confirm' | 'deleted' = $state('closed');
  content: ContentChoice | null = $state(null);
  typed = $state('');
  contentMissing = $state(false);
  wrongConfirmation = $state(false);
  busy = $state(false);
  problem: ApiProblem | null = $state(null);

  readonly #api: ProfileApi;

  constructor(api: ProfileApi) {
    this.#api = api;
  }

  open(): void {
    this.step = 'confirm';
    this.typed = '';
    this.problem = null;
    this.contentMissing = false;
    this.wrongConfirmation = false;
  }

  cancel(): void {
    this.step = 'closed';
    this.content = null;
    this.typed = '';
  }

  /** `word` is the confirmation word of the reader's language. True once the account is gone. */
  async confirm(word: string): Promise<boolean> {
    if (this.busy) return false;
    this.contentMissing = this.content === null;
    this.wrongConfirmation = !confirmationMatches(this.typed, word);
    if (this.content === null || this.wrongConfirmation) return false;
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.deleteAccount(this.content);
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return false;
    }
    this.step = 'deleted';
    return true;
  }
}

/** The typed word matches whatever the case and surrounding spaces. */
export function confirmationMatches(typed: string, word: string): boolean {
  return typed.trim().toLocaleLowerCase() === word.trim().toLocaleLowerCase() && word.trim() !== '';
}
