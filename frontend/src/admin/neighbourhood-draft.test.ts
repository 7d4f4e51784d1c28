import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { emptyCollection } from '../map/neighbourhood-geojson';
import type { AdminApi, Draft } from './admin-api';
import { DEFAULT_HOUSEHOLDS, fieldError, NeighbourhoodDraft } from './neighbourhood-draft.svelte';

const draft = (version: number, names: string[]): Draft => ({
  lau2: '0501',
  version,
  source: 'proposed',
  households: 250,
  published_version: null,
  updated_at: '2025-03-01T12:00:00Z',
  neighbourhoods: names.map((name, i) => ({ id: `n${i + 1}`, name, address_count: 10 * (i + 1), cells: i + 1 })),
  validation: { valid: true, gaps: [], gap_addresses: 0, overlaps: [], non_contiguous: [], empty: [], outside_cells: 0 },
});

function fakeApi(drafts: Outcome<Draft>[], answers: Partial<Record<keyof AdminApi, Outcome<unknown>>> = {}) {
  const calls: string[] = [];
  const answer = (name: keyof AdminApi, call: string) => {
    calls.push(call);
    return Promise.resolve(answers[name] ?? { ok: true, data: {} });
  };
  const api: AdminApi = {
    startImport: () => Promise.reject(new Error('not used')),
    importReport: () => Promise.reject(new Error('not used')),
    confirmImport: () => Promise.reject(new Error('not used')),
    draft: () => {
      calls.push('draft');
      return Promise.resolve(drafts.length > 1 ? drafts.shift()! : drafts[0]!);
    },
    draftShapes: () => Promise.resolve({ ok: true, data: emptyCollection() }),
    propose: (lau2, households) => answer('propose', `propose ${lau2} ${households}`) as never,
    rename: (lau2, id, name, version) => answer('rename', `rename ${lau2} ${id} ${name} v${version}`) as never,
    merge: (lau2, ids, version) => answer('merge', `merge ${lau2} ${ids.join('+')} v${version}`) as never,
    split: (lau2, id, version) => answer('split', `split ${lau2} ${id} v${version}`) as never,
    publish: (lau2, version) => answer('publish', `publish ${lau2} v${version}`) as never,
  };
  return { api, calls };
}

describe('NeighbourhoodDraft', () => {
  it('says there is no draft yet on 404 and keeps the default household size', async () => {
    const { api } = fakeApi([{ ok: false, problem: problemFrom(404, null) }]);
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    expect(review.current).toEqual({ state: 'none' });
    expect(review.households).toBe(DEFAULT_HOUSEHOLDS);
  });

  it('proposes with the chosen household size and shows the new draft', async () => {
    const { api, calls } = fakeApi([{ ok: false, problem: problemFrom(404, null) }, { ok: true, data: draft(1, ['A', 'B']) }]);
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    review.households = 120;
    expect(await review.propose()).toBe(true);
    expect(calls).toContain('propose 0501 120');
    expect(review.draft?.neighbourhoods.map((n) => n.name)).toEqual(['A', 'B']);
    expect(review.pending).toBeNull();
  });

  it('puts a field error next to the households input', async () => {
    const invalid = problemFrom(400, { error: { code: 'invalid_input', message: 'bad', fields: { households: 'at least 10' } } });
    const { api } = fakeApi([{ ok: true, data: draft(1, ['A']) }], { propose: { ok: false, problem: invalid } });
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    expect(await review.propose()).toBe(false);
    expect(fieldError(review.problems.propose, 'households')).toBe('at least 10');
  });

  it('merges exactly the two last ticked neighbourhoods, with the version seen', async () => {
    const { api, calls } = fakeApi([{ ok: true, data: draft(4, ['A', 'B', 'C']) }]);
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    review.toggleMerge('n1', true);
    review.toggleMerge('n2', true);
    review.toggleMerge('n3', true);
    expect(review.mergeIds).toEqual(['n2', 'n3']);
    review.toggleMerge('n3', false);
    expect(await review.merge()).toBe(false);
    review.toggleMerge('n1', true);
    expect(await review.merge()).toBe(true);
    expect(calls).toContain('merge 0501 n2+n1 v4');
    expect(review.mergeIds).toEqual([]);
  });

  it('renames and splits with the draft version', async () => {
    const { api, calls } = fakeApi([{ ok: true, data: draft(7, ['A', 'B']) }]);
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    await review.rename('n1', '  Uewerduerf ');
    await review.split('n2');
    expect(calls).toEqual(expect.arrayContaining(['rename 0501 n1 Uewerduerf v7', 'split 0501 n2 v7']));
  });

  it('keeps a rename error under that neighbourhood and reloads on conflict', async () => {
    const conflict = problemFrom(409, { error: { code: 'conflict', message: 'draft changed' } });
    const { api, calls } = fakeApi([{ ok: true, data: draft(2, ['A']) }], { rename: { ok: false, problem: conflict } });
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    expect(await review.rename('n1', 'B')).toBe(false);
    expect(review.problems['rename:n1']?.kind).toBe('conflict');
    expect(calls.filter((c) => c === 'draft')).toHaveLength(2);
  });

  it('publishes the version reviewed and shows the publication', async () => {
    const publication = { lau2: '0501', version: 3, published_at: 'x', neighbourhoods: 2, cells: 9, changed_cells: 9, addresses_assigned: 100 };
    const { api, calls } = fakeApi([{ ok: true, data: draft(3, ['A', 'B']) }], { publish: { ok: true, data: publication } });
    const review = new NeighbourhoodDraft(api, '0501');
    await review.load();
    expect(await review.publish()).toBe(true);
    expect(review.published).toEqual(publication);
    expect(calls).toContain('publish 0501 v3');
  });
});

describe('fieldError', () => {
  it('finds a field by name or as the last part of a dotted path', () => {
    const problem = problemFrom(400, { error: { code: 'invalid_input', message: '', fields: { 'body.name': 'too long' } } });
    expect(fieldError(problem, 'name')).toBe('too long');
    expect(fieldError(problem, 'ids')).toBeNull();
    expect(fieldError(null, 'name')).toBeNull();
  });
});
