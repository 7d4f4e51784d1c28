import type { AddressMatch, Commune, Profile } from '../api/client';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { JoinApi } from './join-api';
import { normaliseLetterCode } from './letter-code';

/** 1 the name neighbours see, 2 commune, 3 address, 4 pending (the three ways in); verified once one worked. */
export type JoinStep = 'name' | 'commune' | 'address' | 'pending' | 'verified';

export const STEP_NUMBERS: Record<JoinStep, number> = { name: 1, commune: 2, address: 3, pending: 4, verified: 4 };
export const STEP_COUNT = 4;
export const DISPLAY_NAME_MAX = 40;

/** Where a resident starts: the name until they chose one (accounts older than the question too), then
 * their residence decides (a claimed address goes straight to step 4). */
export function stepFor(profile: Profile): JoinStep {
  if (profile.name_chosen === false) return 'name';
  switch (profile.residence.status) {
    case 'verified':
      return 'verified';
    case 'pending':
      return 'pending';
    default:
      return 'commune';
  }
}

/**
 * A suggestion for the name neighbours will see, from the email's first part: the first name and the
 * initial of the next part ("anna.weber@…" → "Anna W."); the resident edits it. Digits are dropped.
 */
export function suggestedName(email: string): string {
  const words = (email.split('@')[0] ?? '')
    .split(/[._+\-\s]+/)
    .map((word) => word.replace(/[^\p{L}]/gu, ''))
    .filter((word) => word !== '');
  const [first, second] = words;
  if (!first) return '';
  const name = first.charAt(0).toLocaleUpperCase() + first.slice(1);
  return (second ? `${name} ${second.charAt(0).toLocaleUpperCase()}.` : name).slice(0, DISPLAY_NAME_MAX);
}

export type NameError = 'missing' | 'tooLong';
export type AddressError = 'missing' | 'noNeighbourhood';
export type LetterCodeError = 'missing' | 'format' | 'refused';

/** Joining a neighbourhood: choose the commune, claim the address, then get verified. */
export class JoinWizard {
  step: JoinStep = $state('commune');
  /** The name neighbours will see: a suggestion to edit, or the name already chosen. */
  displayName = $state('');
  nameError: NameError | null = $state(null);
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
  readonly #invitedTo: string | null;

  /** `invitedTo`: the commune (`0501`) or neighbourhood (`0501-…`, its commune first) of a poster's or a
   * neighbour's link (`/join?commune=` or `?neighbourhood=`): the wizard starts on that commune's addresses. */
  constructor(api: JoinApi, profile: Profile, letterCode: string | null = null, invitedTo: string | null = null) {
    this.#api = api;
    this.step = stepFor(profile);
    this.displayName = profile.display_name || suggestedName(profile.email);
    this.letterCode = letterCode?.trim() ?? '';
    const lau2 = invitedTo?.split('-')[0]?.trim();
    this.#invitedTo = lau2 && /^[0-9A-Za-z]{1,12}$/.test(lau2) ? lau2 : null;
    this.#toInvitedCommune();
  }

  /** On the communes step with a poster's or a neighbour's link: straight to that commune's addresses. */
  #toInvitedCommune(): void {
    if (this.step === 'commune' && this.#invitedTo) this.chooseCommune(this.#invitedTo);
  }

  /** Keep the name neighbours will see; the updated profile (and the next step) once saved. */
  async confirmName(): Promise<Profile | null> {
    if (this.busy) return null;
    const name = this.displayName.trim();
    this.nameError = name === '' ? 'missing' : name.length > DISPLAY_NAME_MAX ? 'tooLong' : null;
    this.problem = null;
    if (this.nameError) return null;
    this.busy = true;
    const outcome = await this.#api.chooseName(name);
    this.busy = false;
    if (!outcome.ok) {
      if (outcome.problem.kind === 'invalid' && outcome.problem.fields.display_name) this.nameError = 'missing';
      else this.problem = outcome.problem;
      return null;
    }
    this.displayName = outcome.data.display_name;
    this.step = stepFor(outcome.data);
    this.#toInvitedCommune();
    return outcome.data;
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
