import { describe, expect, it } from 'vitest';
import {
  addDays, dayState, daysBetween, daysOf, isIsoDay, moveFocus, rangeProblem, todayInLuxembourg, weekday, weeksOf,
  type CalendarData,
} from './calendar';
import { DateRangePicker } from './date-range.svelte';

// 2026-12-02 is a Wednesday.
const TODAY = '2026-12-02';
const data = (over: Partial<CalendarData> = {}): CalendarData => ({
  start: TODAY,
  end: addDays(TODAY, 41),
  taken: ['2026-12-05', '2026-12-06'],
  blocked: [{ start: '2026-12-20', end: '2026-12-22' }],
  available: true,
  ...over,
});

describe('day arithmetic', () => {
  it('adds days across months, years and the change to summer time', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-03-28', 1)).toBe('2027-03-29'); // summer time starts in Luxembourg that night
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
    expect(daysBetween('2027-01-02', '2026-12-30')).toBe(-3);
  });

  it('counts weekdays from Monday and lists a range inclusively', () => {
    expect(weekday('2026-11-30')).toBe(0);
    expect(weekday('2026-12-06')).toBe(6);
    expect(daysOf({ start: '2026-12-30', end: '2027-01-01' })).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
    expect(daysOf({ start: '2026-12-03', end: '2026-12-02' })).toEqual([]);
  });

  it('accepts only real ISO days', () => {
    expect(isIsoDay('2026-02-28')).toBe(true);
    expect(isIsoDay('2026-02-30')).toBe(false);
    expect(isIsoDay('03/12/2026')).toBe(false);
    expect(isIsoDay('')).toBe(false);
  });

  it('takes today in Luxembourg, not in the device zone', () => {
    // 23:30 UTC on 1 December is already 2 December in Luxembourg (UTC+1).
    expect(todayInLuxembourg(new Date('2026-12-01T23:30:00Z'))).toBe('2026-12-02');
    expect(todayInLuxembourg(new Date('2026-12-01T22:30:00Z'))).toBe('2026-12-01');
  });
});

describe('the calendar grid', () => {
  it('lays out whole weeks from Monday with empty cells outside the window', () => {
    const weeks = weeksOf(TODAY, '2026-12-14');
    expect(weeks).toHaveLength(3);
    expect(weeks[0]).toEqual([null, null, '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(weeks[2]).toEqual(['2026-12-14', null, null, null, null, null, null]);
  });

  it('gives each day its state: past, taken, blocked, unavailable or free', () => {
    expect(dayState('2026-12-01', data(), TODAY)).toBe('past');
    expect(dayState('2026-12-05', data(), TODAY)).toBe('taken');
    expect(dayState('2026-12-22', data(), TODAY)).toBe('blocked');
    expect(dayState('2026-12-23', data(), TODAY)).toBe('free');
    expect(dayState('2026-12-23', data({ available: false }), TODAY)).toBe('unavailable');
  });
});

describe('checking a range before asking', () => {
  it('finds the first taken or blocked day inside the range', () => {
    expect(rangeProblem('2026-12-03', '2026-12-08', data(), TODAY)).toEqual({ reason: 'taken', day: '2026-12-05' });
    expect(rangeProblem('2026-12-18', '2026-12-21', data(), TODAY)).toEqual({ reason: 'blocked', day: '2026-12-20' });
    expect(rangeProblem('2026-12-07', '2026-12-19', data(), TODAY)).toBeNull();
  });

  it('refuses reversed, past, malformed and over-long ranges', () => {
    expect(rangeProblem('2026-12-09', '2026-12-08', data(), TODAY)).toEqual({ reason: 'order' });
    expect(rangeProblem('2026-12-01', '2026-12-03', data(), TODAY)).toEqual({ reason: 'past' });
    expect(rangeProblem('2026-12-3', '2026-12-08', data(), TODAY)).toEqual({ reason: 'invalid' });
    expect(rangeProblem('2026-12-23', addDays('2026-12-23', 29), data({ end: '2027-03-01' }), TODAY)).toBeNull();
    expect(rangeProblem('2026-12-23', addDays('2026-12-23', 30), data(), TODAY)).toEqual({ reason: 'tooLong', max: 30 });
  });
});

describe('keyboard movement', () => {
  const first = TODAY;
  const last = addDays(TODAY, 41);

  it('moves by day, week and four weeks, and to the ends of the week', () => {
    expect(moveFocus('2026-12-09', 'ArrowRight', first, last)).toBe('2026-12-10');
    expect(moveFocus('2026-12-09', 'ArrowLeft', first, last)).toBe('2026-12-08');
    expect(moveFocus('2026-12-09', 'ArrowDown', first, last)).toBe('2026-12-16');
    expect(moveFocus('2026-12-16', 'ArrowUp', first, last)).toBe('2026-12-09');
    expect(moveFocus('2026-12-09', 'Home', first, last)).toBe('2026-12-07');
    expect(moveFocus('2026-12-09', 'End', first, last)).toBe('2026-12-13');
    expect(moveFocus('2026-12-09', 'PageDown', first, last)).toBe('2027-01-06');
  });

  it('stays inside the calendar at both ends', () => {
    expect(moveFocus(first, 'ArrowLeft', first, last)).toBe(first);
    expect(moveFocus('2026-12-04', 'ArrowUp', first, last)).toBe(first);
    expect(moveFocus(first, 'Home', first, last)).toBe(first); // Monday 30 Nov is before the window
    expect(moveFocus(addDays(last, -2), 'ArrowDown', first, last)).toBe(last);
    expect(moveFocus('2026-12-09', 'PageUp', first, last)).toBe(first);
  });
});

describe('DateRangePicker', () => {
  const picker = () => {
    const p = new DateRangePicker(TODAY);
    p.show(data());
    return p;
  };

  it('picks a start, then an end, and a third pick starts again', () => {
    const p = picker();
    p.pick('2026-12-08');
    expect([p.start, p.end]).toEqual(['2026-12-08', '']);
    expect(p.news).toEqual({ kind: 'start', day: '2026-12-08' });
    expect(p.complete).toBe(false);
    p.pick('2026-12-10');
    expect([p.start, p.end, p.complete]).toEqual(['2026-12-08', '2026-12-10', true]);
    expect(p.chosen('2026-12-09')).toBe(true);
    expect(p.chosen('2026-12-11')).toBe(false);
    p.pick('2026-12-12');
    expect([p.start, p.end]).toEqual(['2026-12-12', '']);
  });

  it('a day before the start becomes the new start', () => {
    const p = picker();
    p.pick('2026-12-10');
    p.pick('2026-12-08');
    expect([p.start, p.end]).toEqual(['2026-12-08', '']);
  });

  it('refuses to pick a taken or past day and says why', () => {
    const p = picker();
    p.pick('2026-12-05');
    expect(p.start).toBe('');
    expect(p.news).toEqual({ kind: 'notFree', day: '2026-12-05', state: 'taken' });
    p.pick('2026-12-01');
    expect(p.news).toMatchObject({ state: 'past' });
  });

  it('a range spanning a taken day is a problem, not complete', () => {
    const p = picker();
    p.pick('2026-12-03');
    p.pick('2026-12-07');
    expect(p.problem).toEqual({ reason: 'taken', day: '2026-12-05' });
    expect(p.complete).toBe(false);
  });

  it('moves focus with the arrows and picks with Enter and Space', () => {
    const p = picker();
    expect(p.focused).toBe(TODAY);
    expect(p.key('ArrowDown')).toBe(true);
    expect(p.key('ArrowRight')).toBe(true);
    expect(p.focused).toBe('2026-12-10');
    p.key('Enter');
    p.key('ArrowRight');
    p.key(' ');
    expect([p.start, p.end]).toEqual(['2026-12-10', '2026-12-11']);
    expect(p.key('a')).toBe(false);
  });

  it('takes dates from the plain inputs and checks them the same way', () => {
    const p = picker();
    p.setStart('2026-12-19');
    p.setEnd('2026-12-21');
    expect(p.focused).toBe('2026-12-19');
    expect(p.problem).toEqual({ reason: 'blocked', day: '2026-12-20' });
    p.setEnd('2026-12-19');
    expect(p.complete).toBe(true);
  });
});
