import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import { communeAskedAlready, communeState, mayAskCommune, nextOccurrence, reminderAskedAlready, type When } from './organiser';

const when = (id: string, start: string, cancelled = false): When => ({ occurrence_id: id, start, end: start, cancelled, moved: false });
const conflict = (fields: Record<string, string>) => problemFrom(409, { error: { code: 'conflict', message: 'no', fields } });

describe("an organiser's reminder and request to the commune", () => {
  it('reminds for the first coming date that is neither cancelled nor started', () => {
    const now = Date.parse('2026-12-06T12:00:00Z');
    const dates = [when('a', '2026-12-06T10:00:00Z'), when('b', '2026-12-13T10:00:00Z', true), when('c', '2026-12-20T10:00:00Z')];
    expect(nextOccurrence(dates, now)?.occurrence_id).toBe('c');
    expect(nextOccurrence([when('a', '2026-12-06T10:00:00Z')], now)).toBeNull();
    expect(nextOccurrence([], now)).toBeNull();
  });

  it('tells a reminder asked already from other conflicts', () => {
    expect(reminderAskedAlready(conflict({ occurrence_id: 'reminder asked already' }))).toBe(true);
    expect(reminderAskedAlready(conflict({ occurrence_id: 'cancelled' }))).toBe(false);
    expect(communeAskedAlready(conflict({ event_id: 'asked already' }))).toBe(true);
    expect(communeAskedAlready(conflict({ event_id: 'reaches the commune already' }))).toBe(true);
    expect(communeAskedAlready(problemFrom(404, { error: { code: 'not_found', message: 'no', fields: { event_id: 'not found' } } }))).toBe(false);
  });

  it('shows where the request stands and when it may be asked (again)', () => {
    expect(communeState({ commune_wide: true }, null)).toEqual({ status: 'approved', reason: null });
    expect(communeState({ commune_wide: false }, null)).toBeNull();
    expect(communeState({ commune_wide: false }, 'asked')).toEqual({ status: 'asked', reason: null });
    expect(communeState({ commune_wide: false }, { status: 'pending', reason: null })).toEqual({ status: 'pending', reason: null });
    expect(communeState({ commune_wide: false }, { status: 'refused', reason: 'Commercial' })).toEqual({ status: 'refused', reason: 'Commercial' });
    expect(mayAskCommune(null)).toBe(true);
    expect(mayAskCommune({ status: 'refused', reason: 'x' })).toBe(true);
    expect(mayAskCommune({ status: 'pending', reason: null })).toBe(false);
    expect(mayAskCommune({ status: 'approved', reason: null })).toBe(false);
    expect(mayAskCommune({ status: 'asked', reason: null })).toBe(false);
  });
});
