import type { ApiProblem } from '../api/problem';
import type { Locale } from '../i18n/locales';
import { browserTimers, type Timers } from '../lib/debounce';
import type { AuthApi, Profile } from '../session/session-api';

export type SignInStep = 'email' | 'code';
export type EmailError = 'missing' | 'format';
/** Why a code was refused; the API's `fields.code` reasons plus what the form checks itself. */
export type CodeError = 'missing' | 'format' | 'wrong' | 'expired' | 'noCode' | 'used' | 'tooMany';

const CODE_REASONS: Record<string, CodeError> = {
  'wrong code': 'wrong',
  expired: 'expired',
  'no code asked': 'noCode',
  used: 'used',
};

/** The six digits of an emailed code as typed or pasted ("123 456", "123-456"), or null. */
export function normaliseSignInCode(input: string): string | null {
  const digits = input.replace(/[\s\-.]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

/** A plausible email: something@something.tld, no spaces; the API decides the rest. */
export function looksLikeEmail(input: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(input);
}

/**
 * Signing in with an emailed code, in two steps: ask for a code, then type it. Holds what the two
 * forms show (errors, the wait after "too many requests"); the screen renders it.
 */
export class SignInFlow {
  step: SignInStep = $state('email');
  email = $state('');
  code = $state('');
  busy = $state(false);
  emailError: EmailError | null = $state(null);
  codeError: CodeError | null = $state(null);
  /** A problem that belongs to the whole form (network, server, too many requests). */
  problem: ApiProblem | null = $state(null);
  /** Seconds before a new code may be asked for (after a 429); 0 when it may. */
  wait = $state(0);
  /** How many codes were sent in this flow; the screen says "sent again" after the first. */
  sent = $state(0);

  readonly #api: AuthApi;
  readonly #timers: Timers;
  #tick: unknown = undefined;

  constructor(api: AuthApi, timers: Timers = browserTimers) {
    this.#api = api;
    this.#timers = timers;
  }

  /** Step 1: email a code to the address typed. */
  async requestCode(language: Locale): Promise<void> {
    const email = this.email.trim();
    this.emailError = email === '' ? 'missing' : looksLikeEmail(email) ? null : 'format';
    if (this.emailError || this.busy || this.wait > 0) return;
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.requestCode(email, language);
    this.busy = false;
    if (outcome.ok) {
      this.email = email;
      this.sent += 1;
      this.code = '';
      this.codeError = null;
      this.step = 'code';
      return;
    }
    if (outcome.problem.kind === 'rateLimited') this.#waitFor(outcome.problem.retryAfter ?? 60);
    if (outcome.problem.kind === 'invalid' && outcome.problem.fields.email) this.emailError = 'format';
    else this.problem = outcome.problem;
  }

  /** Step 2: the code from the email; the profile once signed in, else null (the error is set). */
  async submitCode(): Promise<Profile | null> {
    if (this.busy) return null;
    const code = normaliseSignInCode(this.code);
    this.codeError = this.code.trim() === '' ? 'missing' : code === null ? 'format' : null;
    if (code === null) return null;
    this.busy = true;
    this.problem = null;
    const outcome = await this.#api.signIn(this.email, code);
    this.busy = false;
    if (outcome.ok) {
      this.#stopWaiting();
      return outcome.data;
    }
    const { problem } = outcome;
    if (problem.kind === 'rateLimited') {
      // Five wrong codes: this code is spent; a new one may be asked for after the wait.
      this.codeError = 'tooMany';
      this.#waitFor(problem.retryAfter ?? 60);
    } else if (problem.kind === 'invalid' && problem.fields.code) {
      this.codeError = CODE_REASONS[problem.fields.code] ?? 'wrong';
    } else {
      this.problem = problem;
    }
    return null;
  }

  /** Ask for another code from the code step. */
  async resend(language: Locale): Promise<void> {
    await this.requestCode(language);
  }

  /** Back to step 1 to correct the email. */
  changeEmail(): void {
    this.step = 'email';
    this.code = '';
    this.codeError = null;
    this.problem = null;
  }

  dispose(): void {
    this.#stopWaiting();
  }

  #waitFor(seconds: number): void {
    this.#stopWaiting();
    this.wait = Math.max(1, Math.ceil(seconds));
    const tick = (): void => {
      this.wait -= 1;
      if (this.wait > 0) {
        this.#tick = this.#timers.setTimeout(tick, 1000);
      } else {
        this.#tick = undefined;
        if (this.problem?.kind === 'rateLimited') this.problem = null;
      }
    };
    this.#tick = this.#timers.setTimeout(tick, 1000);
  }

  #stopWaiting(): void {
    if (this.#tick !== undefined) this.#timers.clearTimeout(this.#tick);
    this.#tick = undefined;
    this.wait = 0;
  }
}
