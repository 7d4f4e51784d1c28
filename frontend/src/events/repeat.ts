import { weekday, type IsoDay } from '../library/calendar';

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type Frequency = 'none' | 'DAILY' | 'WEEKLY' | 'MONTHLY';

/** How an event repeats, as the form asks it (an RFC 5545 RRULE for the API: ruleOf). */
export interface Repeat {
  freq: Frequency;
  interval: number;
  /** Weekly: the days of the week (none: the start's). */
  byday: Weekday[];
  /** Monthly: on the same date, or on the same weekday of the month (the first Saturday…). */
  monthly: 'date' | 'weekday';
  ends: 'count' | 'until';
  count: number;
  until: IsoDay | '';
}

export const noRepeat = (): Repeat => ({ freq: 'none', interval: 1, byday: [], monthly: 'date', ends: 'count', count: 10, until: '' });

/** The weekday of the month of a day: 1SA for the first Saturday, -1SA for a fifth (the last) one. */
export function nthWeekday(day: IsoDay): string {
  const nth = Math.ceil(Number(day.slice(8, 10)) / 7);
  return `${nth === 5 ? -1 : nth}${WEEKDAYS[weekday(day)]}`;
}

/** The RRULE of the form's answers for a series starting on `start`, or null for a single event. */
export function ruleOf(repeat: Repeat, start: IsoDay): string | null {
  if (repeat.freq === 'none') return null;
  const parts = [`FREQ=${repeat.freq}`];
  if (repeat.interval > 1) parts.push(`INTERVAL=${Math.floor(repeat.interval)}`);
  if (repeat.freq === 'WEEKLY' && repeat.byday.length) parts.push(`BYDAY=${WEEKDAYS.filter((day) => repeat.byday.includes(day)).join(',')}`);
  if (repeat.freq === 'MONTHLY' && repeat.monthly === 'weekday' && start) parts.push(`BYDAY=${nthWeekday(start)}`);
  parts.push(repeat.ends === 'until' ? `UNTIL=${repeat.until.replaceAll('-', '')}` : `COUNT=${Math.floor(repeat.count)}`);
  return parts.join(';');
}

/** The form's answers for a stored rule (editing an event). */
export function repeatOf(rule: string | null): Repeat {
  const repeat = noRepeat();
  if (!rule) return repeat;
  const parts = new Map(rule.replace(/^RRULE:/, '').split(';').map((part) => part.split('=') as [string, string]));
  const freq = parts.get('FREQ');
  if (freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY') repeat.freq = freq;
  repeat.interval = Number(parts.get('INTERVAL') ?? 1);
  const byday = parts.get('BYDAY')?.split(',') ?? [];
  if (repeat.freq === 'MONTHLY' && byday.length) repeat.monthly = 'weekday';
  else repeat.byday = byday.filter((day): day is Weekday => (WEEKDAYS as readonly string[]).includes(day));
  const until = parts.get('UNTIL');
  if (until) {
    repeat.ends = 'until';
    repeat.until = `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  } else {
    repeat.count = Number(parts.get('COUNT') ?? 10);
  }
  return repeat;
}
