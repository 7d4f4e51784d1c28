import { describe, expect, it } from 'vitest';
import type { AddressMatch } from '../api/client';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { Profile } from '../session/session-api';
import { profile } from '../session/test-profile';
import type { JoinApi } from './join-api';
import { JoinWizard, stepFor, suggestedName } from './join-wizard.svelte';
import { normaliseLetterCode } from './letter-code';

const fail = <T>(status: number, body: unknown = null): Outcome<T> => ({ ok: false, problem: problemFrom(status, body) });
const address = (neighbourhood: { id: string; name: string } | null = { id: '0501-a', name: 'Hupperdange' }): AddressMatch => ({
  id: '7984-20',
  label: 'Kaesfurterstrooss 20, 9755 Hupperdange',
  street: 'Kaesfurterstrooss',
  number: '20',
  postcode: '9755',
  locality: 'Hupperdange',
  neighbourhood,
});
const pending = profile({}, 'pending');

function fakeJoin(answers: { claim?: Outcome<Profile>; code?: Outcome<Profile>; name?: Outcome<Profile> } = {}) {
  const calls = { claims: [] as string[], codes: [] as string[], names: [] as string[] };
  const api: JoinApi = {
    communes: async () => ({ ok: true, data: { communes: [{ lau2: '0501', name: 'Clervaux', languages: ['lb'], time_zone: 'Europe/Luxembourg', publish_indicators: false }] } }),
    chooseName: async (name) => {
      calls.names.push(name);
      return answers.name ?? { ok: true, data: profile({ display_name: name, name_chosen: true }) };
    },
    claimResidence: async (id) => {
      calls.claims.push(id);
      return answers.claim ?? { ok: true, data: pending };
    },
    enterLetterCode: async (code) => {
      calls.codes.push(code);
      return answers.code ?? { ok: true, data: profile({}, 'verified') };
    },
  };
  return { api, calls };
}

describe('normaliseLetterCode', () => {
  it.each([
    ['K7QF-2M9X-PD', 'K7QF-2M9X-PD'],
    ['k7qf2m9xpd', 'K7QF-2M9X-PD'],
    [' k7qf 2m9x pd ', 'K7QF-2M9X-PD'],
    ['K7QF–2M9X–PD', 'K7QF-2M9X-PD'],
    ['k7qf-2m9x-po', 'K7QF-2M9X-P0'],
    ['K7QF-2M9X', null],
    ['K7QF-2M9X-PDX', null],
    ['K7QF-2M9X-PU', null],
    ['K7Q', null],
    ['K7QF-2M9X-P!', null],
    ['', null],
  ])('%j → %j', (input, expected) => {
    expect(normaliseLetterCode(input)).toBe(expected);
  });
});

describe('suggestedName', () => {
  it.each([
    ['anna.weber@example.lu', 'Anna W.'],
    ['newbie1280@example.lu', 'Newbie'],
    ['jean-luc_schmit@example.lu', 'Jean L.'],
    ['élodie@example.lu', 'Élodie'],
    ['1280@example.lu', ''],
  ])('%s → %j', (email, expected) => {
    expect(suggestedName(email)).toBe(expected);
  });
});

describe('JoinWizard: the name neighbours see', () => {
  const unnamed = (status: Profile['residence']['status'] = 'none') =>
    profile({ email: 'anna.weber@example.lu', display_name: '', name_chosen: false }, status);

  it('asks first for a name, suggesting the first name and initial', () => {
    const wizard = new JoinWizard(fakeJoin().api, unnamed());
    expect(wizard.step).toBe('name');
    expect(wizard.displayName).toBe('Anna W.');
  });

  it('keeps the edited name and goes on to the commune', async () => {
    const { api, calls } = fakeJoin();
    const wizard = new JoinWizard(api, unnamed());
    wizard.displayName = '  Anna Weber ';
    expect(await wizard.confirmName()).not.toBeNull();
    expect(calls.names).toEqual(['Anna Weber']);
    expect(wizard.step).toBe('commune');
  });

  it('asks an older account once, then goes where its residence is', async () => {
    const { api } = fakeJoin({ name: { ok: true, data: profile({ name_chosen: true }, 'verified') } });
    const wizard = new JoinWizard(api, unnamed('verified'));
    expect(wizard.step).toBe('name');
    await wizard.confirmName();
    expect(wizard.step).toBe('verified');
  });

  it('needs a name of at most 40 characters', async () => {
    const { api, calls } = fakeJoin();
    const wizard = new JoinWizard(api, unnamed());
    wizard.displayName = '   ';
    expect(await wizard.confirmName()).toBeNull();
    expect(wizard.nameError).toBe('missing');
    wizard.displayName = 'x'.repeat(41);
    expect(await wizard.confirmName()).toBeNull();
    expect(wizard.nameError).toBe('tooLong');
    expect(calls.names).toEqual([]);
  });
});

describe('JoinWizard', () => {
  it('starts where the residence is', () => {
    expect(stepFor(profile())).toBe('commune');
    expect(stepFor(pending)).toBe('pending');
    expect(stepFor(profile({}, 'verified'))).toBe('verified');
  });

  it('goes commune → address → pending, claiming the chosen address', async () => {
    const { api, calls } = fakeJoin();
    const wizard = new JoinWizard(api, profile());
    await wizard.loadCommunes();
    expect(wizard.communes).toMatchObject({ state: 'ready', value: [{ lau2: '0501' }] });
    wizard.chooseCommune('0501');
    expect(wizard.step).toBe('address');
    expect(await wizard.confirmAddress(address())).toEqual(pending);
    expect(calls.claims).toEqual(['7984-20']);
    expect(wizard.step).toBe('pending');
  });

  it("opens a poster's or a neighbour's link on its commune's addresses, never past a residence", () => {
    const { api } = fakeJoin();
    expect(new JoinWizard(api, profile(), null, '0501-891fa065313')).toMatchObject({ step: 'address', lau2: '0501' });
    expect(new JoinWizard(api, profile(), null, '0501')).toMatchObject({ step: 'address', lau2: '0501' });
    expect(new JoinWizard(api, pending, null, '0501')).toMatchObject({ step: 'pending' });
    expect(new JoinWizard(api, profile(), null, '<script>')).toMatchObject({ step: 'commune', lau2: null });
  });

  it('keeps the link through the name step', async () => {
    const wizard = new JoinWizard(fakeJoin().api, profile({ display_name: '', name_chosen: false }), null, '0501-n1');
    expect(wizard.step).toBe('name');
    await wizard.confirmName();
    expect(wizard).toMatchObject({ step: 'address', lau2: '0501' });
  });

  it('goes back from the address to the communes', () => {
    const wizard = new JoinWizard(fakeJoin().api, profile());
    wizard.chooseCommune('0501');
    wizard.back();
    expect(wizard.step).toBe('commune');
  });

  it('needs a chosen address in a published neighbourhood', async () => {
    const { api, calls } = fakeJoin();
    const wizard = new JoinWizard(api, profile());
    wizard.chooseCommune('0501');
    await wizard.confirmAddress(null);
    expect(wizard.addressError).toBe('missing');
    await wizard.confirmAddress(address(null));
    expect(wizard.addressError).toBe('noNeighbourhood');
    expect(calls.claims).toEqual([]);
  });

  it('reads 409 "no neighbourhood yet" as such, other problems as problems', async () => {
    const conflict = { error: { code: 'conflict', message: 'x', fields: { address_id: 'no neighbourhood yet' } } };
    const wizard = new JoinWizard(fakeJoin({ claim: fail(409, conflict) }).api, profile());
    wizard.chooseCommune('0501');
    await wizard.confirmAddress(address());
    expect(wizard.addressError).toBe('noNeighbourhood');
    expect(wizard.step).toBe('address');

    const offline = new JoinWizard(fakeJoin({ claim: fail(0) }).api, profile());
    offline.chooseCommune('0501');
    await offline.confirmAddress(address());
    expect(offline.problem?.kind).toBe('network');
  });

  it('keeps the code of the QR link for step 3 and sends it normalised', async () => {
    const { api, calls } = fakeJoin();
    const wizard = new JoinWizard(api, pending, ' k7qf2m9xpd ');
    expect(wizard.letterCode).toBe('k7qf2m9xpd');
    expect(await wizard.submitLetterCode()).toMatchObject({ residence: { status: 'verified' } });
    expect(calls.codes).toEqual(['K7QF-2M9X-PD']);
    expect(wizard.step).toBe('verified');
  });

  it('checks the letter code before sending, and says when the API refused it', async () => {
    const refused = { error: { code: 'invalid', message: 'x', fields: { code: 'wrong code' } } };
    const { api, calls } = fakeJoin({ code: fail(400, refused) });
    const wizard = new JoinWizard(api, pending);
    await wizard.submitLetterCode();
    expect(wizard.letterCodeError).toBe('missing');
    wizard.letterCode = 'abc';
    await wizard.submitLetterCode();
    expect(wizard.letterCodeError).toBe('format');
    expect(calls.codes).toEqual([]);
    wizard.letterCode = 'K7QF2M9XPD';
    await wizard.submitLetterCode();
    expect(wizard.letterCodeError).toBe('refused');
    expect(wizard.step).toBe('pending');
  });
});
