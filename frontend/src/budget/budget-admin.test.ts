import { describe, expect, it } from 'vitest';
import type { BudgetAdminApi, Edition, EditionRequest } from './budget-api';
import { BudgetAdmin, checkDecision, EditionSetup, toInstant } from './budget-admin.svelte';

const edition = (over: Partial<Edition> = {}): Edition => ({
  id: 'E1', lau2: '0501', version: 3, phase: 'proposals', name: { fr: 'Budget 2027' }, text: { fr: 'Proposez' }, amount_cents: 10_000_000,
  envelopes: [], ballot: { type: 'approval', max_projects: null, max_points: null }, minimum_age: null, support_threshold: 5,
  rule: 'equalshares/add1', dates: { proposals: '2027-01-01T09:00:00Z', review: '2027-02-01T09:00:00Z', voting: '2027-03-01T09:00:00Z', results: '2027-04-01T09:00:00Z', implementation: '2027-05-01T09:00:00Z' },
  results_published: false, imported: false, created_at: '2026-12-01T10:00:00Z', ...over,
});

function filled(): EditionSetup {
  const setup = new EditionSetup(['fr', 'de']);
  setup.name = { fr: 'Budget 2027', de: 'Haushalt 2027' };
  setup.text = { fr: 'Proposez', de: 'Schlagen Sie vor' };
  setup.euros = '100 000';
  setup.dates = { proposals: '2027-01-01T10:00', review: '2027-02-01T10:00', voting: '2027-03-01T10:00', results: '2027-04-01T10:00', implementation: '2027-05-01T10:00' };
  return setup;
}

describe('setting up an edition', () => {
  it('sends euros as cents and a text per commune language', () => {
    const body = filled().request();
    expect(body).toMatchObject({ name: { fr: 'Budget 2027', de: 'Haushalt 2027' }, amount_cents: 10_000_000, envelopes: [], support_threshold: 10, rule: 'equalshares/add1' });
    expect(body?.ballot).toEqual({ type: 'approval', max_projects: null, max_points: null });
    expect(body?.dates.voting).toBe(toInstant('2027-03-01T10:00'));
  });

  it('asks for every commune language known by the time it is sent', () => {
    const setup = filled();
    setup.languages = ['fr', 'de', 'lb'];
    expect(setup.request()).toBeNull();
    expect(setup.errors).toEqual({ 'name.lb': 'required', 'text.lb': 'required' });
  });

  it('takes the numbers a number input binds (a number, or null once emptied)', () => {
    const setup = filled();
    setup.threshold = 1;
    setup.minimumAge = null;
    setup.ballotType = 'cumulative';
    setup.maxPoints = 12;
    expect(setup.request()).toMatchObject({ support_threshold: 1, minimum_age: null, ballot: { type: 'cumulative', max_points: 12 } });
  });

  it('names what is missing: a language, the maximum of points, dates out of order', () => {
    const setup = filled();
    setup.text = { fr: 'Proposez' };
    setup.ballotType = 'cumulative';
    setup.dates = { ...setup.dates, results: '2027-02-15T10:00' };
    expect(setup.request()).toBeNull();
    expect(setup.errors).toEqual({ 'text.de': 'required', maxPoints: 'number', 'dates.results': 'dates' });
  });

  it('wants envelopes adding up to the amount', () => {
    const setup = filled();
    setup.addEnvelope();
    setup.envelopes = [{ id: 'north', name: 'Nord', neighbourhoodIds: ['0501-a'], euros: '60 000' }, { id: 'south', name: 'Süd', neighbourhoodIds: ['0501-b'], euros: '30 000' }];
    expect(setup.request()).toBeNull();
    expect(setup.errors).toEqual({ envelopes: 'envelopesSum' });
    setup.envelopes[1]!.euros = '40 000';
    expect(setup.request()?.envelopes?.[1]).toEqual({ id: 'south', name: { fr: 'Süd', de: 'Süd' }, neighbourhood_ids: ['0501-b'], amount_cents: 4_000_000 });
  });

  it('fills the form from an edition, keeping its version', () => {
    const setup = new EditionSetup(['fr']);
    setup.fill(edition());
    expect(setup.euros).toBe('100000');
    expect(setup.version).toBe(3);
    expect(setup.request()?.amount_cents).toBe(10_000_000);
  });
});

describe('a decision on a proposal', () => {
  it('always needs a reason, and a final cost when feasible', () => {
    expect(checkDecision({ decision: 'feasible', euros: '8000', reason: '', into: '' }).error).toBe('reason');
    expect(checkDecision({ decision: 'feasible', euros: '', reason: 'Checked', into: '' }).error).toBe('amount');
    expect(checkDecision({ decision: 'feasible', euros: '8 000,50', reason: 'Checked', into: '' })).toEqual({ error: null, finalCents: 800_050 });
    expect(checkDecision({ decision: 'not_feasible', euros: '', reason: 'Private land', into: '' }).error).toBeNull();
    expect(checkDecision({ decision: 'merge', euros: '', reason: 'Same idea', into: '' }).error).toBe('into');
    expect(checkDecision({ decision: '', euros: '', reason: 'x', into: '' }).error).toBe('decision');
  });
});

describe('the budget section', () => {
  function fakeApi(calls: string[]): BudgetAdminApi {
    const ok = <T>(data: T) => Promise.resolve({ ok: true as const, data });
    return {
      editions: () => ok({ editions: [edition()] }),
      create: (_lau2, body: EditionRequest) => (calls.push(`create ${body.amount_cents}`), ok(edition())),
      update: (_ref, body) => (calls.push(`update v${body.version}`), ok(edition())),
      movePhase: (_ref, phase, version) => (calls.push(`phase ${phase} v${version}`), ok(edition({ phase }))),
      proposals: () => ok({ proposals: [] }),
      review: (_ref, id, body) => (calls.push(`review ${id} ${body.decision} ${body.final_cents}`), ok({} as never)),
      merge: (_ref, id, into) => (calls.push(`merge ${id} into ${into}`), ok({} as never)),
      paperCards: () => ok(new Blob(['%PDF'])),
      paperBallot: (_ref, code, choices) => (calls.push(`paper ${code} ${JSON.stringify(choices)}`), ok({})),
      results: () => ok({ edition_id: 'E1', published: false, computed_at: null, envelopes: [] }),
      publish: (_ref, version) => (calls.push(`publish v${version}`), ok({})),
      implementation: (_ref, id, state, note, photoId) => (calls.push(`progress ${id} ${state} ${note} ${photoId}`), ok({} as never)),
      progressPhotos: (ref, id) => ({
        startUpload: () => (calls.push(`photo of ${ref.editionId} ${id}`), ok({} as never)),
        photo: () => ok({} as never),
      }),
    };
  }

  it('moves to the next phase with the version seen, decides, enters paper ballots', async () => {
    const calls: string[] = [];
    const admin = new BudgetAdmin(fakeApi(calls), '0501');
    await admin.load();
    expect(admin.edition?.id).toBe('E1');
    expect(admin.next).toBe('review');
    expect(await admin.movePhase()).toBe(true);
    expect(await admin.decide({ id: 'P1' } as never, { decision: 'feasible', euros: '5000', reason: 'OK', into: '' })).toBe(true);
    expect(await admin.decide({ id: 'P2' } as never, { decision: 'feasible', euros: '', reason: 'OK', into: '' })).toBe(false);
    expect(await admin.decide({ id: 'P3' } as never, { decision: 'merge', euros: '', reason: 'Same', into: 'P1' })).toBe(true);
    expect(await admin.enterPaperBallot(' ABCD-1234 ', { P1: 1 })).toBe(true);
    expect(await admin.publish()).toBe(true);
    expect(await admin.progress('P1', 'in_progress', ' Started ')).toBe(true);
    expect(await admin.progress('P1', 'done', 'Finished', 'PH1')).toBe(true);
    await admin.progressPhotos('P1').startUpload('image/jpeg', 10);
    expect(calls).toEqual(['phase review v3', 'review P1 feasible 500000', 'merge P3 into P1', 'paper ABCD-1234 {"P1":1}', 'publish v3',
      'progress P1 in_progress Started null', 'progress P1 done Finished PH1', 'photo of E1 P1']);
    expect(admin.done).toBe('progress');
  });

  it('creates a new edition, or saves the one filled in with its version', async () => {
    const calls: string[] = [];
    const admin = new BudgetAdmin(fakeApi(calls), '0501');
    await admin.save(filled());
    const setup = filled();
    setup.version = 3;
    await admin.load();
    await admin.save(setup);
    expect(calls).toEqual(['create 10000000', 'update v3']);
  });

  it('keeps the answers of the edition chosen last, whatever the order they come in', async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const api = fakeApi([]);
    const other = edition({ id: 'E2' });
    api.editions = () => Promise.resolve({ ok: true, data: { editions: [edition(), other] } });
    api.proposals = async (ref) => {
      if (ref.editionId === 'E1') await slow;
      return { ok: true, data: { proposals: [{ id: `P-${ref.editionId}` } as never] } };
    };
    const admin = new BudgetAdmin(api, '0501');
    const first = admin.load(); // lists the editions, then asks for the first one's proposals (slow)
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(admin.edition?.id).toBe('E1');
    await admin.choose('E2');
    release();
    await first;
    expect(admin.edition?.id).toBe('E2');
    expect(admin.proposals.map((p) => p.id)).toEqual(['P-E2']);
  });
});
