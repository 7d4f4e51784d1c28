import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { MyBallot, Proposal } from './budget-api';
import { nextPhase } from './budget-api';
import { Ballot, ballotProjects, type BallotProject } from './ballot.svelte';
import { formatMoney, parseEuros } from './money';
import type { BallotRules, EnvelopeResult, ProjectResult } from './budget-api';
import { difference, explain, inMyLanguage, listed } from './edition-view';

const projects: BallotProject[] = [
  { id: 'P1', title: 'Benches', cents: 4_000_00 },
  { id: 'P2', title: 'Playground', cents: 6_000_00 },
  { id: 'P3', title: 'Trees', cents: 3_000_00 },
];
const rules = (type: BallotRules['type'], over: Partial<BallotRules> = {}): BallotRules => ({ type, max_projects: null, max_points: null, ...over });
const mine = (over: Partial<MyBallot> = {}): MyBallot => ({ edition_id: 'E1', envelope_id: 'all', voted: false, channel: null, choices: {}, budget_cents: 10_000_00, ...over });

describe('an approval ballot', () => {
  it('counts the budget left as projects are ticked', () => {
    const ballot = new Ballot(rules('approval'), projects, 10_000_00);
    expect(ballot.tally).toEqual({ kind: 'budget', spentCents: 0, leftCents: 10_000_00, over: false });
    ballot.choose('P1', true);
    ballot.choose('P2', true);
    expect(ballot.tally).toEqual({ kind: 'budget', spentCents: 10_000_00, leftCents: 0, over: false });
    expect(ballot.blocking).toBeNull();
    ballot.choose('P2', false);
    expect(ballot.choices).toEqual({ P1: 1 });
    expect(ballot.tally).toMatchObject({ leftCents: 6_000_00 });
  });

  it('says over the budget, and which project would not fit', () => {
    const ballot = new Ballot(rules('approval'), projects, 10_000_00);
    ballot.choose('P1', true);
    ballot.choose('P3', true);
    expect(ballot.wouldExceed('P2')).toBe(true);
    ballot.choose('P2', true);
    expect(ballot.tally).toMatchObject({ over: true, leftCents: -3_000_00 });
    expect(ballot.blocking).toBe('overBudget');
  });

  it('will not send an empty ballot', async () => {
    const ballot = new Ballot(rules('approval'), projects, 10_000_00);
    expect(ballot.blocking).toBe('empty');
    let asked = false;
    expect(await ballot.send(async () => ((asked = true), { ok: true, data: mine() }))).toBe(false);
    expect(asked).toBe(false);
  });
});

describe('an approval ballot with a number of projects', () => {
  it('counts the projects chosen and refuses one too many', () => {
    const ballot = new Ballot(rules('approval_count', { max_projects: 2 }), projects, 10_000_00);
    ballot.choose('P1', true);
    expect(ballot.tally).toEqual({ kind: 'projects', chosen: 1, max: 2, over: false });
    ballot.choose('P2', true);
    expect(ballot.wouldExceed('P3')).toBe(true);
    ballot.choose('P3', true);
    expect(ballot.tally).toMatchObject({ chosen: 3, over: true });
    expect(ballot.blocking).toBe('tooMany');
  });
});

describe('a cumulative ballot', () => {
  it('counts the points left', () => {
    const ballot = new Ballot(rules('cumulative', { max_points: 10 }), projects, 10_000_00);
    ballot.give('P1', 6);
    ballot.give('P2', 3);
    expect(ballot.tally).toEqual({ kind: 'points', used: 9, left: 1, max: 10, over: false });
    ballot.give('P3', 2);
    expect(ballot.tally).toMatchObject({ left: -1, over: true });
    expect(ballot.blocking).toBe('tooManyPoints');
    ballot.give('P3', 0);
    expect(ballot.choices).toEqual({ P1: 6, P2: 3 });
    ballot.give('P2', Number.NaN);
    expect(ballot.choices).toEqual({ P1: 6 });
  });
});

describe('sending', () => {
  it('starts from my ballot and says sent, then changed', async () => {
    const ballot = new Ballot(rules('approval'), projects, 10_000_00, mine({ voted: true, channel: 'online', choices: { P1: 1 } }));
    expect(ballot.voted).toBe(true);
    expect(ballot.chosen('P1')).toBe(true);
    ballot.choose('P3', true);
    const sent: Record<string, number>[] = [];
    expect(await ballot.send(async (choices) => (sent.push(choices), { ok: true, data: mine({ voted: true, channel: 'online', choices }) }))).toBe(true);
    expect(sent).toEqual([{ P1: 1, P3: 1 }]);
    expect(ballot.done).toBe('changed');
    const fresh = new Ballot(rules('approval'), projects, 10_000_00, mine());
    fresh.choose('P2', true);
    await fresh.send(async (choices) => ({ ok: true, data: mine({ voted: true, channel: 'online', choices }) }));
    expect(fresh.done).toBe('sent');
  });

  it('leaves out a project no longer on the ballot (a moderator hid it since I voted)', async () => {
    const ballot = new Ballot(rules('approval'), projects, 10_000_00, mine({ voted: true, channel: 'online', choices: { P1: 1, GONE: 1 } }));
    const sent: Record<string, number>[] = [];
    await ballot.send(async (choices) => (sent.push(choices), { ok: true, data: mine({ voted: true, channel: 'online', choices }) }));
    expect(sent).toEqual([{ P1: 1 }]);
  });

  it('keeps the API problem, naming the project', async () => {
    const ballot = new Ballot(rules('approval'), projects, 10_000_00);
    ballot.choose('P1', true);
    const problem = problemFrom(400, { error: { code: 'invalid', message: 'Not on this ballot', fields: { 'choices.P1': 'not on the ballot' } } });
    expect(await ballot.send(async () => ({ ok: false, problem }))).toBe(false);
    expect(ballot.fieldProblem('P1')).toBe('not on the ballot');
    expect(ballot.voted).toBe(false);
  });
});

function proposal(id: string, status: Proposal['status'], envelope = 'all', hidden = false): Proposal {
  return {
    id, edition_id: 'E1', envelope_id: envelope, title: id, description: '', category: 'sport', estimated_cents: 100,
    final_cents: 250, location: null, photo_ids: [], author_name: null, supports: 0, status, reason: null, merged_into: null,
    implementation: null, funded: null, document: null, comment_count: 0, mine: false, supported: null, created_at: '2026-12-01T10:00:00Z',
    hidden, hidden_reason: hidden ? 'spam' : null, hidden_note: null, hidden_reason_text: hidden ? 'Hidden by a moderator: spam' : null,
  };
}

describe('the projects on the ballot', () => {
  it('are the feasible proposals of my envelope at their final cost', () => {
    expect(ballotProjects([proposal('A', 'feasible'), proposal('B', 'not_feasible'), proposal('C', 'feasible', 'north')], 'all'))
      .toEqual([{ id: 'A', title: 'A', cents: 250 }]);
  });

  it('leave out a proposal a moderator hid (its author still gets it from the API)', () => {
    expect(ballotProjects([proposal('A', 'feasible', 'all', true), proposal('B', 'feasible')], 'all').map((p) => p.id)).toEqual(['B']);
  });
});

describe('the list of proposals', () => {
  it('lists a hidden proposal for its author and staff, but neither counts it nor maps it', () => {
    const place = { lat: 49.6, lon: 6.1 };
    const proposals = [
      { ...proposal('A', 'submitted', 'all', true), location: place },
      { ...proposal('B', 'submitted'), location: place },
      proposal('C', 'merged'),
      { ...proposal('D', 'feasible'), category: 'culture' as const },
    ];
    const all = listed(proposals, '');
    expect(all.shown.map((p) => p.id)).toEqual(['A', 'B', 'D']);
    expect(all.counted).toBe(2);
    expect(all.mapped.map((p) => p.id)).toEqual(['B']);
    expect(listed(proposals, 'culture').shown.map((p) => p.id)).toEqual(['D']);
  });
});

describe('money and phases', () => {
  it('reads euros typed in a form as cents', () => {
    expect(parseEuros('12 500')).toBe(1_250_000);
    expect(parseEuros('12.500,50')).toBe(1_250_050);
    expect(parseEuros('12500.5')).toBe(1_250_050);
    expect(parseEuros('€ 80')).toBe(8000);
    expect(parseEuros('ten')).toBeNull();
    expect(parseEuros('')).toBeNull();
  });

  it('writes cents as euros in the reader language', () => {
    expect(formatMoney(1_250_000, 'en')).toMatch(/€\s?12,500/);
    expect(formatMoney(1_250_050, 'fr')).toMatch(/12.500,50\s€/);
  });

  it('knows the next phase', () => {
    expect(nextPhase('proposals')).toBe('review');
    expect(nextPhase('results')).toBe('implementation');
    expect(nextPhase('implementation')).toBeNull();
  });
});

describe('explanations', () => {
  const project = (over: Partial<ProjectResult>): ProjectResult => ({
    proposal_id: 'P1', title: 'Benches', cost_cents: 400_000, votes: 40, points: 40, funded: true, funded_by_greedy: true, explanation: {}, ...over,
  });

  it('say what each supporter paid for a funded project', () => {
    const sentences = explain(project({ explanation: { reason: 'equal_shares', payment: 10000, paying_in_full: 40, paying_all_they_had: 0 } }), {}, 'en');
    expect(sentences).toEqual([{ key: 'budget.explain.fundedPaid', params: { count: 40, payment: '€100' } }]);
  });

  it('say where the supporters of an unfunded project had paid', () => {
    const sentences = explain(project({ funded: false, explanation: { reason: 'shares_spent', supporters_paid_for: { P2: 0.25, P3: 0.43 } } }), { P3: 'Trees' }, 'en');
    expect(sentences).toEqual([{ key: 'budget.explain.sharesSpent', params: { percent: 43, project: 'Trees' } }]);
    expect(explain(project({ funded: false, votes: 0, explanation: { reason: 'no_votes' } }), {}, 'en')[0]!.key).toBe('budget.explain.noVotes');
  });

  it('list where the outcome differs from most votes first', () => {
    const envelope = {
      projects: [project({ proposal_id: 'A', funded: true, funded_by_greedy: false }), project({ proposal_id: 'B', funded: false, funded_by_greedy: true }), project({ proposal_id: 'C' })],
    } as EnvelopeResult;
    const { onlyRule, onlyGreedy } = difference(envelope);
    expect(onlyRule.map((p) => p.proposal_id)).toEqual(['A']);
    expect(onlyGreedy.map((p) => p.proposal_id)).toEqual(['B']);
  });

  it('pick the text in my language', () => {
    expect(inMyLanguage({ fr: 'Budget', de: 'Haushalt' }, 'de')).toBe('Haushalt');
    expect(inMyLanguage({ fr: 'Budget', de: 'Haushalt' }, 'pt')).toBe('Budget');
  });
});

describe('a proposal\'s status', () => {
  it('says whether the vote funds a project once the results are published', async () => {
    const { statusKey } = await import('./edition-view');
    expect(statusKey({ status: 'feasible', funded: null })).toBe('budget.status.feasible');
    expect(statusKey({ status: 'feasible', funded: true })).toBe('budget.status.funded');
    expect(statusKey({ status: 'feasible', funded: false })).toBe('budget.status.not_funded');
    expect(statusKey({ status: 'not_feasible', funded: null })).toBe('budget.status.not_feasible');
  });
});
