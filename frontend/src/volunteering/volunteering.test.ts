import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { Helper, Pair, OffersApi, VolunteeringRequest } from './offers-api';
import { MAX_SKILLS, SKILLS, isSkill } from './offers-api';
import { BuddyPairs, HelpersDirectory, VolunteeringEditor, bySkill, currentPair, verbsFor } from './volunteering.svelte';

const helper = (name: string, skill: Helper['skill']): Helper => ({ user_id: `U-${name}`, name, skill, frequency: 'weekly', languages: [] });
const pair = (over: Partial<Pair> = {}): Pair => ({
  id: 'P1', role: 'newcomer', with_user_id: 'U-maria', with_name: 'Maria', state: 'offered', accepted_by_me: false,
  accepted_by_them: false, created_at: '2026-12-06T10:00:00Z', ...over,
});

function fakeApi(overrides: Partial<OffersApi> = {}): OffersApi & { saved: VolunteeringRequest[] } {
  const saved: VolunteeringRequest[] = [];
  return {
    saved,
    mine: async () => ({ ok: true, data: { skills: ['cooking', 'gardening'], frequency: 'monthly', languages: ['fr'], buddy: false } }),
    save: async (offer) => {
      saved.push(offer);
      return { ok: true, data: { skills: offer.skills ?? [], frequency: offer.frequency ?? 'occasionally', languages: offer.languages ?? [], buddy: !!offer.buddy } };
    },
    withdraw: async () => ({ ok: true, data: null }),
    helpers: async () => ({ ok: true, data: { helpers: [] } }),
    pairs: async () => ({ ok: true, data: { pairs: [] } }),
    askForBuddy: async () => ({ ok: true, data: pair() }),
    change: async (id, verb) => ({ ok: true, data: pair({ id, state: verb === 'accept' ? 'accepted' : verb === 'decline' ? 'declined' : 'ended', accepted_by_me: verb === 'accept' }) }),
    ...overrides,
  };
}

describe('skills', () => {
  it('knows the thirty codes of the API', () => {
    expect(SKILLS).toHaveLength(30);
    expect(isSkill('gardening')).toBe(true);
    expect(isSkill('juggling')).toBe(false);
    expect(isSkill(null)).toBe(false);
  });

  it('groups helpers by skill in the fixed order', () => {
    const groups = bySkill([helper('Ben', 'cooking'), helper('Anna', 'gardening'), helper('Carla', 'cooking')]);
    expect(groups.map((g) => [g.skill, g.helpers.map((h) => h.name)])).toEqual([
      ['gardening', ['Anna']],
      ['cooking', ['Ben', 'Carla']],
    ]);
  });
});

describe('the offer in the profile', () => {
  it('loads the offer in the fixed order and saves it whole', async () => {
    const api = fakeApi();
    const editor = new VolunteeringEditor(api);
    await editor.load();
    expect(editor.skills).toEqual(['gardening', 'cooking']);
    editor.toggleSkill('driving', true);
    editor.toggleSkill('gardening', false);
    expect(await editor.save()).toBe(true);
    expect(api.saved).toEqual([{ skills: ['driving', 'cooking'], frequency: 'monthly', languages: ['fr'], buddy: false }]);
    expect(editor.saved).toBe(true);
  });

  it(`takes at most ${MAX_SKILLS} skills`, () => {
    const editor = new VolunteeringEditor(fakeApi());
    for (const skill of SKILLS) editor.toggleSkill(skill, true);
    expect(editor.skills).toHaveLength(MAX_SKILLS);
    expect(editor.full).toBe(true);
    editor.toggleSkill(SKILLS[0]!, false);
    expect(editor.full).toBe(false);
  });

  it('asks a welcome buddy for a language before saving', async () => {
    const api = fakeApi();
    const editor = new VolunteeringEditor(api);
    editor.buddy = true;
    expect(await editor.save()).toBe(false);
    expect(editor.languagesMissing).toBe(true);
    expect(api.saved).toEqual([]);
    editor.toggleLanguage('pt', true);
    expect(editor.languagesMissing).toBe(false);
    expect(await editor.save()).toBe(true);
  });

  it('shows what the API refused', async () => {
    const refused = problemFrom(400, { error: { code: 'invalid_input', message: 'bad', fields: { skills: 'too many' } } });
    const editor = new VolunteeringEditor(fakeApi({ save: async () => ({ ok: false, problem: refused }) }));
    expect(await editor.save()).toBe(false);
    expect(editor.problem?.fields).toEqual({ skills: 'too many' });
  });

  it('takes everything back', async () => {
    const editor = new VolunteeringEditor(fakeApi());
    await editor.load();
    expect(await editor.withdraw()).toBe(true);
    expect([editor.skills, editor.languages, editor.buddy]).toEqual([[], [], false]);
  });
});

describe('welcome buddies', () => {
  it('shows the open pair and what I may do with it', () => {
    expect(currentPair([pair({ id: 'old', state: 'ended' }), pair({ id: 'now', state: 'accepted' })])?.id).toBe('now');
    expect(currentPair([pair({ state: 'declined' })])).toBeNull();
    expect(verbsFor(pair())).toEqual(['accept', 'decline']);
    expect(verbsFor(pair({ state: 'accepted', accepted_by_me: true }))).toEqual(['decline']);
    expect(verbsFor(pair({ state: 'accepted', accepted_by_them: true }))).toEqual(['accept', 'decline']);
    expect(verbsFor(pair({ state: 'paired' }))).toEqual(['end']);
    expect(verbsFor(pair({ state: 'ended' }))).toEqual([]);
  });

  it('accepts, and reloads when the pair changed meanwhile', async () => {
    let listed = 0;
    const conflict = problemFrom(409, { error: { code: 'conflict', message: 'changed', fields: { pair_id: 'ended' } } });
    const api = fakeApi({
      pairs: async () => ({ ok: true, data: { pairs: [pair({ state: listed++ ? 'ended' : 'offered' })] } }),
    });
    const pairs = new BuddyPairs(api);
    await pairs.load();
    await pairs.act(pairs.current!, 'accept');
    expect(pairs.current?.state).toBe('accepted');
    const stale = new BuddyPairs(fakeApi({ ...api, change: async () => ({ ok: false, problem: conflict }) }));
    await stale.load();
    await stale.act(pair(), 'accept');
    expect(stale.current).toBeNull();
  });

  it('says when no buddy is free', async () => {
    const none = problemFrom(409, { error: { code: 'conflict', message: 'none', fields: { languages: 'no buddy fits' } } });
    const pairs = new BuddyPairs(fakeApi({ askForBuddy: async () => ({ ok: false, problem: none }) }));
    await pairs.load();
    await pairs.ask();
    expect(pairs.noneFree).toBe(true);
    expect(pairs.problem).toBeNull();
  });
});

describe('who can help', () => {
  it('asks the directory again for another skill only', async () => {
    const asked: (string | null)[] = [];
    const directory = new HelpersDirectory(
      fakeApi({ helpers: async (_id, skill) => (asked.push(skill), { ok: true, data: { helpers: [helper('Anna', skill ?? 'cooking')] } }) }),
      'n1',
    );
    await directory.load();
    await directory.filter('gardening');
    await directory.filter('gardening');
    expect(asked).toEqual([null, 'gardening']);
    expect(directory.helpers).toEqual({ state: 'ready', value: [helper('Anna', 'gardening')] });
  });
});
