import { describe, expect, it } from 'vitest';
import { dayOf, groupByDay, lastDay, mineFilter, momentText, monthWeeks, monthWindow, moveDay, nextMonth, timeRange, whenText } from './agenda';

const at = (event_id: string, start: string, end = start) => ({ event_id, occurrence_id: start, start, end, category: 'party' });

describe('the agenda groups occurrences by their Luxembourg day', () => {
  it('puts a late-evening UTC start on the next Luxembourg day (summer time, +02:00)', () => {
    expect(dayOf('2027-06-30T22:30:00Z')).toBe('2027-07-01');
    expect(dayOf('2027-01-31T22:30:00Z')).toBe('2027-01-31'); // winter time, +01:00
  });

  it('sorts by start and groups by day, leaving out empty days', () => {
    const days = groupByDay([
      at('C', '2027-03-08T18:00:00+01:00'),
      at('A', '2027-03-06T14:00:00+01:00'),
      at('B', '2027-03-06T10:00:00+01:00'),
    ]);
    expect(days.map((d) => [d.day, d.occurrences.map((o) => o.event_id)])).toEqual([
      ['2027-03-06', ['B', 'A']],
      ['2027-03-08', ['C']],
    ]);
  });

  it('keeps two events at the same time in a stable order', () => {
    const days = groupByDay([at('Z', '2027-03-06T10:00:00+01:00'), at('A', '2027-03-06T10:00:00+01:00')]);
    expect(days[0]?.occurrences.map((o) => o.event_id)).toEqual(['A', 'Z']);
  });
});

describe('the month grid', () => {
  it('has whole weeks from Monday, other months empty', () => {
    const weeks = monthWeeks('2027-03'); // 1 March 2027 is a Monday
    expect(weeks[0]).toEqual(['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-06', '2027-03-07']);
    expect(weeks.at(-1)).toEqual(['2027-03-29', '2027-03-30', '2027-03-31', null, null, null, null]);
    expect(monthWeeks('2027-02')[0]?.slice(0, 1)).toEqual(['2027-02-01']);
  });

  it('asks the API for the month as local midnights', () => {
    expect(monthWindow('2027-12')).toEqual({ from: '2027-12-01T00:00', to: '2028-01-01T00:00' });
    expect(lastDay('2028-02')).toBe('2028-02-29');
    expect(nextMonth('2027-01', -1)).toBe('2026-12');
  });

  it('moves with the keyboard by day and week, across the month edges', () => {
    expect(moveDay('2027-03-31', 'ArrowRight')).toBe('2027-04-01');
    expect(moveDay('2027-03-01', 'ArrowLeft')).toBe('2027-02-28');
    expect(moveDay('2027-03-03', 'ArrowDown')).toBe('2027-03-10');
    expect(moveDay('2027-03-03', 'ArrowUp')).toBe('2027-02-24');
    expect(moveDay('2027-03-03', 'Home')).toBe('2027-03-01');
    expect(moveDay('2027-03-03', 'End')).toBe('2027-03-07');
  });

  it('moves a month with Page Up and Page Down, to the month\'s last day when the date does not exist', () => {
    expect(moveDay('2027-03-31', 'PageDown')).toBe('2027-04-30');
    expect(moveDay('2027-03-15', 'PageUp')).toBe('2027-02-15');
    expect(moveDay('2027-12-10', 'PageDown')).toBe('2028-01-10');
  });

  it('ignores other keys', () => {
    expect(moveDay('2027-03-03', 'Enter')).toBeNull();
    expect(moveDay('2027-03-03', 'a')).toBeNull();
  });
});

describe('times', () => {
  it('are Luxembourg times on a 24-hour clock in every language', () => {
    expect(timeRange('2027-03-06T13:00:00Z', '2027-03-06T16:00:00Z', 'en')).toBe('14:00–17:00');
    expect(timeRange('2027-07-03T12:00:00Z', '2027-07-03T15:30:00Z', 'fr')).toBe('14:00–17:30');
  });
});

describe('"my events"', () => {
  it('keeps what I organise (the calendar says so, or the list) and the occurrences I answered, nothing else', () => {
    const keep = mineFilter({ organised: ['B'], answered: [{ event_id: 'C', occurrence_id: '2027-03-06T13:00:00Z' }] });
    expect(keep({ ...at('A', '2027-03-06T13:00:00Z'), mine: true })).toBe(true);
    expect(keep(at('A', '2027-03-06T13:00:00Z'))).toBe(false);
    expect(keep(at('B', '2027-04-06T13:00:00Z'))).toBe(true);
    expect(keep(at('C', '2027-03-06T13:00:00Z'))).toBe(true);
    expect(keep(at('C', '2027-04-06T13:00:00Z'))).toBe(false);
  });
});

describe('one moment', () => {
  it('is a Luxembourg day and time in the reader\'s language', () => {
    const at14 = '2027-03-06T13:00:00Z';
    expect(momentText(at14, 'en')).toBe(whenText(at14, at14, 'en').replace('–14:00', ''));
    expect(momentText(at14, 'fr')).toMatch(/^samedi .*2027, 14:00$/);
  });
});
