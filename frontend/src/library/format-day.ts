import { intlLocale } from '../i18n/format';
import type { Locale } from '../i18n/locales';
import { addDays, dateOf, type IsoDay } from './calendar';

/** An ISO day in the reader's language: "Thursday 3 December 2026" (long) or "3 Dec" (short). */
export function formatDay(day: IsoDay, locale: Locale, style: 'long' | 'medium' | 'short' = 'medium'): string {
  const options: Intl.DateTimeFormatOptions =
    style === 'long'
      ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
      : style === 'medium'
        ? { weekday: 'short', day: 'numeric', month: 'short' }
        : { day: 'numeric', month: 'short' };
  return new Intl.DateTimeFormat(intlLocale(locale), { ...options, timeZone: 'UTC' }).format(dateOf(day));
}

/** Monday … Sunday in the reader's language, long and short, for the calendar's column headers. */
export function weekdayNames(locale: Locale): { long: string; short: string }[] {
  const long = new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'long', timeZone: 'UTC' });
  const short = new Intl.DateTimeFormat(intlLocale(locale), { weekday: 'short', timeZone: 'UTC' });
  // 2026-11-30 is a Monday.
  return Array.from({ length: 7 }, (_, n) => {
    const date = dateOf(addDays('2026-11-30', n));
    return { long: long.format(date), short: short.format(date) };
  });
}
