import { intlLocale } from '../i18n/format';
import type { Locale } from '../i18n/locales';
import { addDays, isMoveKey, todayInLuxembourg, weekday, weeksOf, type IsoDay, type MoveKey } from '../library/calendar';

/** What the agenda needs of one occurrence (the calendar's `Occurrence`). */
export interface Happening {
  event_id: string;
  occurrence_id: string;
  start: string;
  end: string;
  category: string;
}

export const ZONE = 'Europe/Luxembourg';

/** What "my events" keeps (organised or answered): the calendar says which I organise (`mine`), the API's list
 * `GET /api/v1/me/events` which occurrences I answered. */
export function mineFilter(answered: { organised: readonly string[]; answered: readonly { event_id: string; occurrence_id: string }[] }): (o: Happening & { mine?: boolean }) => boolean {
  const events = new Set(answered.organised);
  const occurrences = new Set(answered.answered.map((a) => `${a.event_id}/${a.occurrence_id}`));
  return (o) => !!o.mine || events.has(o.event_id) || occurrences.has(`${o.event_id}/${o.occurrence_id}`);
}

/** How far ahead the agenda looks (the API's window is at most 92 days). */
export const AGENDA_DAYS = 91;

/** The day in Luxembourg on which an instant falls (an event at 00:30 summer time is on that Luxembourg day). */
export function dayOf(instant: string): IsoDay {
  return todayInLuxembourg(new Date(instant));
}

/** Occurrences in time order, grouped by the Luxembourg day they start on (days without any left out). */
export function groupByDay<T extends Happening>(occurrences: readonly T[]): { day: IsoDay; occurrences: T[] }[] {
  const sorted = [...occurrences].sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.event_id.localeCompare(b.event_id));
  const days: { day: IsoDay; occurrences: T[] }[] = [];
  for (const occurrence of sorted) {
    const day = dayOf(occurrence.start);
    const last = days[days.length - 1];
    if (last?.day === day) last.occurrences.push(occurrence);
    else days.push({ day, occurrences: [occurrence] });
  }
  return days;
}

/** "19:00–21:00" in the reader's language, in Luxembourg time; the end's day too when it ends on another day. */
export function timeRange(start: string, end: string, locale: Locale): string {
  const time = new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE });
  const sameDay = dayOf(start) === dayOf(end);
  const endText = sameDay
    ? time.format(new Date(end))
    : new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE }).format(new Date(end));
  return `${time.format(new Date(start))}–${endText}`;
}

const dayText = (instant: string, locale: Locale): string =>
  new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: ZONE }).format(new Date(instant));

/** "Saturday 6 March 2027, 14:00–17:00" in the reader's language, in Luxembourg time. */
export function whenText(start: string, end: string, locale: Locale): string {
  return `${dayText(start, locale)}, ${timeRange(start, end, locale)}`;
}

/** "Saturday 6 March 2027, 14:00": one moment (a held place's end, a reminder sent), in Luxembourg time. */
export function momentText(instant: string, locale: Locale): string {
  const time = new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: ZONE });
  return `${dayText(instant, locale)}, ${time.format(new Date(instant))}`;
}

/** A month as `YYYY-MM`. */
export type Month = string;

export const monthOf = (day: IsoDay): Month => day.slice(0, 7);

export function firstDay(month: Month): IsoDay {
  return `${month}-01`;
}

export function lastDay(month: Month): IsoDay {
  return addDays(firstDay(nextMonth(month, 1)), -1);
}

export function nextMonth(month: Month, step: number): Month {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) + step;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The month's rows: whole weeks from Monday, days of other months null. */
export function monthWeeks(month: Month): (IsoDay | null)[][] {
  return weeksOf(firstDay(month), lastDay(month));
}

/** The calendar window of the API for a month: its first local midnight to the next month's. */
export function monthWindow(month: Month): { from: string; to: string } {
  return { from: `${firstDay(month)}T00:00`, to: `${firstDay(nextMonth(month, 1))}T00:00` };
}

const MOVES: Record<MoveKey, (day: IsoDay) => IsoDay> = {
  ArrowLeft: (day) => addDays(day, -1),
  ArrowRight: (day) => addDays(day, 1),
  ArrowUp: (day) => addDays(day, -7),
  ArrowDown: (day) => addDays(day, 7),
  Home: (day) => addDays(day, -weekday(day)),
  End: (day) => addDays(day, 6 - weekday(day)),
  PageUp: (day) => sameDayIn(day, -1),
  PageDown: (day) => sameDayIn(day, 1),
};

/** The same day number a month before or after, or that month's last day (31 March → 30 April). */
function sameDayIn(day: IsoDay, step: number): IsoDay {
  const month = nextMonth(monthOf(day), step);
  const last = lastDay(month);
  const wanted = `${month}-${day.slice(8)}`;
  return wanted > last ? last : wanted;
}

/**
 * The month grid's keyboard: arrows move by day and week (into the next or previous month past its edges),
 * Home/End to the week's Monday/Sunday, Page Up/Down by a month. Null for any other key.
 */
export function moveDay(day: IsoDay, key: string): IsoDay | null {
  return isMoveKey(key) ? MOVES[key](day) : null;
}
