/**
 * Days of an item's availability calendar, as ISO dates ("2026-12-03"): the weeks shown, the state
 * of each day, the checks before asking for a loan, and arrow-key movement in the grid.
 * Arithmetic runs on UTC midnights, so summer time never shifts a day.
 */

export type IsoDay = string;

export interface DayRange {
  start: IsoDay;
  end: IsoDay;
}

/** What the API says of an item's next weeks (GET /api/v1/items/{id}/calendar). */
export interface CalendarData {
  start: IsoDay;
  end: IsoDay;
  taken: IsoDay[];
  blocked: DayRange[];
  available: boolean;
}

/** free: can be asked for; taken: an accepted loan holds it; blocked: the owner does not lend then. */
export type DayState = 'past' | 'taken' | 'blocked' | 'unavailable' | 'free';

/** A loan lasts at most this many days, counted inclusively (the API's MAX_DAYS). */
export const MAX_LOAN_DAYS = 30;

const DAY_MS = 86_400_000;
const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(day: IsoDay): number {
  const match = ISO.exec(day);
  if (!match) throw new RangeError(`not an ISO day: ${day}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function fromUtc(ms: number): IsoDay {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isIsoDay(value: string): boolean {
  if (!ISO.test(value)) return false;
  return fromUtc(toUtc(value)) === value; // 2026-02-30 is not a day
}

export function addDays(day: IsoDay, count: number): IsoDay {
  return fromUtc(toUtc(day) + count * DAY_MS);
}

/** Days from `from` to `to` (negative when `to` comes first). */
export function daysBetween(from: IsoDay, to: IsoDay): number {
  return Math.round((toUtc(to) - toUtc(from)) / DAY_MS);
}

/** 0 for Monday … 6 for Sunday (weeks start on Monday in Luxembourg). */
export function weekday(day: IsoDay): number {
  return (new Date(toUtc(day)).getUTCDay() + 6) % 7;
}

/** Every day from start to end, both included. */
export function daysOf(range: DayRange): IsoDay[] {
  const count = daysBetween(range.start, range.end);
  return Array.from({ length: Math.max(count + 1, 0) }, (_, n) => addDays(range.start, n));
}

/** Today in Luxembourg, whatever the device's time zone (loans are counted in Luxembourg time). */
export function todayInLuxembourg(now: Date = new Date()): IsoDay {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Luxembourg', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A Date at noon UTC of the day, for Intl formatting with timeZone 'UTC'. */
export function dateOf(day: IsoDay): Date {
  return new Date(toUtc(day) + DAY_MS / 2);
}

export function dayState(day: IsoDay, data: CalendarData, today: IsoDay): DayState {
  if (day < today) return 'past';
  if (data.taken.includes(day)) return 'taken';
  if (data.blocked.some((range) => range.start <= day && day <= range.end)) return 'blocked';
  if (!data.available) return 'unavailable';
  return 'free';
}

/**
 * The calendar's rows: whole weeks, Monday first, from the week of `start` to the week of `end`;
 * days outside [start, end] are null (empty cells).
 */
export function weeksOf(start: IsoDay, end: IsoDay): (IsoDay | null)[][] {
  const weeks: (IsoDay | null)[][] = [];
  let monday = addDays(start, -weekday(start));
  while (monday <= end) {
    weeks.push(Array.from({ length: 7 }, (_, n) => {
      const day = addDays(monday, n);
      return day < start || day > end ? null : day;
    }));
    monday = addDays(monday, 7);
  }
  return weeks;
}

/** Why a loan from start to end cannot be asked for, or null when it can (as far as the calendar knows). */
export type RangeProblem =
  | { reason: 'invalid' }
  | { reason: 'order' }
  | { reason: 'past' }
  | { reason: 'tooLong'; max: number }
  | { reason: 'taken' | 'blocked' | 'unavailable'; day: IsoDay };

export function rangeProblem(start: IsoDay, end: IsoDay, data: CalendarData | null, today: IsoDay): RangeProblem | null {
  if (!isIsoDay(start) || !isIsoDay(end)) return { reason: 'invalid' };
  if (end < start) return { reason: 'order' };
  if (start < today) return { reason: 'past' };
  if (daysBetween(start, end) + 1 > MAX_LOAN_DAYS) return { reason: 'tooLong', max: MAX_LOAN_DAYS };
  if (!data) return null;
  for (const day of daysOf({ start, end })) {
    const state = dayState(day, data, today);
    if (state === 'taken' || state === 'blocked' || state === 'unavailable') return { reason: state, day };
  }
  return null;
}

export type MoveKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

const MOVES: Record<MoveKey, (day: IsoDay) => IsoDay> = {
  ArrowLeft: (day) => addDays(day, -1),
  ArrowRight: (day) => addDays(day, 1),
  ArrowUp: (day) => addDays(day, -7),
  ArrowDown: (day) => addDays(day, 7),
  Home: (day) => addDays(day, -weekday(day)),
  End: (day) => addDays(day, 6 - weekday(day)),
  PageUp: (day) => addDays(day, -28),
  PageDown: (day) => addDays(day, 28),
};

export function isMoveKey(key: string): key is MoveKey {
  return Object.hasOwn(MOVES, key);
}

/** Where focus goes in the grid after `key` (arrows by day and week, Home/End of the week, Page by four weeks), kept inside [first, last]. */
export function moveFocus(day: IsoDay, key: MoveKey, first: IsoDay, last: IsoDay): IsoDay {
  const moved = MOVES[key](day);
  if (moved < first) return first;
  if (moved > last) return last;
  return moved;
}
