import type { AddressMatch, Commune, Profile } from '../api/client';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { JoinApi } from './join-api';
import { normaliseLetterCode } from './letter-code';

/** 1 commune, 2 address, 3 pending (the three ways in); verified once one of them worked. */
export type JoinStep = 'commune' | 'address' | 'pending' | 'verified';

export const STEP_NUMBERS: Record<JoinStep, number> = { commune: 1, address: 2, pending: 3, verified: 3 };
export const STEP_COUNT = 3;

/** Where a resident starts: their residence decides (a claimed address goes straight to step 3). */
export function stepFor(profile: Profile): JoinStep {
  switch (profile.residence.status) {
    case 'verified':
      return 'verified';
    case 'pending':
      return 'pending';
    default:
      return 'commune';
  }
}

export type AddressError = 'missing' | 'noNeighbourhood';
export type LetterCodeError = 'missing' | 'format' | 'refused';

/** Joining a neighbourhood: choose the commune, claim the address, then get verified. */
export class JoinWizard {
  step: JoinStep = $state('commune');
  communes: Loading<Commune[]> = $state({ state: 'loading' });
  lau2: string | null = $state(null);
  busy = $state(false);
  addressError: AddressError | null = $state(null);
  problem: ApiProblem | null = $state(null);
  /** The letter's code: typed, or carried by the QR code (`/join?code=...`). */
  letterCode = $state('');
  letterCodeError: LetterCodeError | null = $state(null);
  letterProblem: ApiProblem | null = $state(null);

  readonly #api: JoinApi;

  /** `invitedTo`: the commune (`0501`) or neighbourhood (`0501-…`, its commune first) of a poster's or a
   * neighbour's link (`/join?commune=` or `?neighbourhood=`): the wizard starts on that commune's addresses. */
  constructor(api: JoinApi, profile: Profile, letterCode: string | null = null, invitedTo: string | null = null) {
    this.#api = api;
    this.step = stepFor(profile);
    this.letterCode = letterCode?.trim() ?? '';
    const lau2 = invitedTo?.split('-')[0]?.trim();
    if (this.step === 'commune' && lau2 && /^[0-9A-Za-z]{1,12}$/.test(lau2)) this.chooseCommune(lau2);
  }

  async loadCommunes(): Promise<void> {
    const outcome = await this.#api.communes();
    this.communes = outcome.ok ? { state: 'ready', value: outcome.data.communes } : { state: 'failed', problem: outcome.problem };
  }

  chooseCommune(lau2: string): void {
    this.lau2 = lau2;
    this.addressError = null;
    this.problem = null;
    this.step = 'address';
  }

  /** From the address step back to the communes (the only step with a way back). */
  back(): void {
    if (this.step === 'address') this.step = 'commune';
    this.addressError = null;
    this.problem = null;
  }

  /** Claim the chosen address; the new profile (pending) when the API took it. */
  async confirmAddress(address: AddressMatch | null): Promise<Profile | null> {
    if (this.busy) return null;
    this.problem = null;
    this.addressError = address === null ? 'missing' : address.neighbourhood === null ? 'noNeighbourhood' : null;
    if (address === null || this.addressError) return null;
    this.busy = true;
    const outcome = await this.#api.claimResidence(address.id);
    this.busy = false;
    if (!outcome.ok) {
      if (outcome.problem.kind === 'conflict' && outcome.problem.fields.address_id) this.addressError = 'noNeighbourhood';
      else this.problem = outcome.problem;
      return null;
    }
    this.step = stepFor(outcome.data);
    return outcome.data;
  }

  /** The code from the commune's letter; the verified profile when it was right. */
  async submitLetterCode(): Promise<Profile | null> {
    if (this.busy) return null;
    this.letterProblem = null;
    const code = normaliseLetterCode(this.letterCode);
    this.letterCodeError = this.letterCode.trim() === '' ? 'missing' : code === null ? 'format' : null;
    if (code === null) return null;
    this.letterCode = code;
    this.busy = true;
    const outcome = await this.#api.enterLetterCode(code);
    this.busy = false;
    if (!outcome.ok) {
      if (outcome.problem.kind === 'invalid' && outcome.problem.fields.code) this.letterCodeError = 'refused';
      else this.letterProblem = outcome.problem;
      return null;
    }
    this.step = stepFor(outcome.data);
    return outcome.data;
  }
}
