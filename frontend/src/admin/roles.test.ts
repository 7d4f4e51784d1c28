import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { CommuneRoles as RolesList, RolesApi, StaffRole, VerifiedResident } from './roles-api';
import { CommuneRoles, CommuneSettingsForm } from './roles.svelte';

const anna: VerifiedResident = { user_id: 'A', name: 'Anna Müller', ambassador: false, moderator: false };
const ben: VerifiedResident = { user_id: 'B', name: 'Ben K.', ambassador: false, moderator: false };

function fakeApi(options: { refuse?: number } = {}) {
  const calls: string[] = [];
  const list: RolesList = { staff: [], moderators: [], ambassadors: [] };
  const refused = (status: number) => ({ ok: false as const, problem: problemFrom(status, { error: { code: 'forbidden', message: 'no', fields: { user_id: 'your own case' } } }, null) });
  const api: RolesApi = {
    roles: async () => (options.refuse === 403 ? refused(403) : { ok: true, data: structuredClone(list) }),
    residents: async (_lau2, nbh) => {
      calls.push(`residents ${nbh}`);
      return { ok: true, data: { residents: [anna, ben] } };
    },
    ambassador: async (lau2, userId, appoint) => {
      calls.push(`ambassador ${lau2} ${userId} ${appoint}`);
      if (appoint) list.ambassadors = [{ user_id: userId, name: 'Anna Müller', neighbourhood_id: 'n1', ambassador_of: ['n1'] }];
      return { ok: true, data: null };
    },
    moderator: async (lau2, userId, appoint) => {
      calls.push(`moderator ${lau2} ${userId} ${appoint}`);
      return options.refuse === 409 ? refused(409) : { ok: true, data: null };
    },
    grantStaff: async (lau2, email, role: StaffRole) => {
      calls.push(`grant ${lau2} ${email} ${role}`);
      if (options.refuse) return refused(options.refuse);
      const member = { user_id: 'S', email, name: '', roles: [role] };
      list.staff = [member];
      return { ok: true, data: member };
    },
    withdrawStaff: async (lau2, userId, role) => {
      calls.push(`withdraw ${lau2} ${userId} ${role}`);
      list.staff = [];
      return { ok: true, data: { user_id: userId, email: 'x@y.lu', name: '', roles: [] } };
    },
    saveSettings: async (lau2, settings) => {
      calls.push(`settings ${lau2} ${settings.languages.join(',')}${settings.publish_indicators ? ' published' : ''}`);
      if (settings.name === 'bad') return refused(400);
      return {
        ok: true,
        data: { lau2, name: settings.name, languages: settings.languages, time_zone: settings.time_zone, publish_indicators: settings.publish_indicators ?? false },
      };
    },
  };
  return { api, calls };
}

describe('CommuneRoles', () => {
  it('lists the roles and hides the panel from those the API refuses', async () => {
    const refused = new CommuneRoles(fakeApi({ refuse: 403 }).api, '0501');
    await refused.load();
    expect(refused.allowed).toBe(false);
    const roles = new CommuneRoles(fakeApi().api, '0501');
    await roles.load();
    expect(roles.allowed).toBe(true);
    expect(roles.list.staff).toEqual([]);
  });

  it('finds a verified resident of the neighbourhood by name, accents and case aside, and appoints them', async () => {
    const { api, calls } = fakeApi();
    const roles = new CommuneRoles(api, '0501');
    await roles.pickNeighbourhood('n1');
    expect(roles.matching('mull').map((r) => r.user_id)).toEqual(['A']);
    expect(roles.matching('  ').length).toBe(2);

    expect(await roles.ambassador('A', 'Anna Müller', true)).toBe(true);

    expect(calls).toContain('ambassador 0501 A true');
    expect(roles.list.ambassadors.map((a) => a.user_id)).toEqual(['A']);
    expect(roles.done).toEqual({ what: 'ambassador', granted: true, name: 'Anna Müller' });
    expect(calls.filter((c) => c === 'residents n1').length).toBe(2); // the list is read again after the decision
  });

  it('grants a staff role by email (trimmed) and withdraws it', async () => {
    const { api, calls } = fakeApi();
    const roles = new CommuneRoles(api, '0501');
    expect(await roles.grantStaff('  clerk@clervaux.lu ', 'verifier')).toBe(true);
    expect(roles.list.staff[0]).toMatchObject({ email: 'clerk@clervaux.lu', roles: ['verifier'] });
    expect(await roles.withdrawStaff('S', 'clerk@clervaux.lu', 'verifier')).toBe(true);
    expect(roles.list.staff).toEqual([]);
    expect(calls).toEqual(['grant 0501 clerk@clervaux.lu verifier', 'withdraw 0501 S verifier']);
  });

  it('shows the refusal (one\'s own case) and keeps the list', async () => {
    const roles = new CommuneRoles(fakeApi({ refuse: 403 }).api, '0501');
    expect(await roles.grantStaff('me@clervaux.lu', 'admin')).toBe(false);
    expect(roles.problem?.status).toBe(403);
    expect(roles.done).toBeNull();
    expect(roles.busy).toBe(false);
  });
});

describe('CommuneSettingsForm', () => {
  it('fills from the commune, toggles languages and saves them', async () => {
    const { api, calls } = fakeApi();
    const form = new CommuneSettingsForm(api, '0501');
    form.fill({ lau2: '0501', name: 'Clervaux', languages: ['lb', 'fr', 'de', 'en', 'pt'], time_zone: 'Europe/Luxembourg', publish_indicators: false });
    expect(form.publishIndicators).toBe(false);
    form.toggle('pt', false);
    form.toggle('en', false);
    form.toggle('en', true);

    const saved = await form.save();

    expect(saved?.languages).toEqual(['lb', 'fr', 'de', 'en']);
    expect(calls).toEqual(['settings 0501 lb,fr,de,en']);
    expect(form.saved).toBe(true);
  });

  it("publishes the commune's headline indicators only once the admin turns it on", async () => {
    const { api, calls } = fakeApi();
    const form = new CommuneSettingsForm(api, '0501');
    form.fill({ lau2: '0501', name: 'Clervaux', languages: ['fr'], time_zone: 'Europe/Luxembourg', publish_indicators: false });
    form.publishIndicators = true;
    const saved = await form.save();
    expect(saved?.publish_indicators).toBe(true);
    expect(form.publishIndicators).toBe(true);
    expect(calls).toEqual(['settings 0501 fr published']);
  });

  it('shows what the API refused', async () => {
    const form = new CommuneSettingsForm(fakeApi().api, '0501');
    form.fill({ lau2: '0501', name: 'bad', languages: ['fr'], time_zone: 'Europe/Luxembourg', publish_indicators: false });
    expect(await form.save()).toBeNull();
    expect(form.problem?.status).toBe(400);
    expect(form.saved).toBe(false);
  });
});
