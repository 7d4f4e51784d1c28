import type { Locale } from './locales';

type SupportedLocalesOf = (locales: string[]) => string[];

const defaultSupport: SupportedLocalesOf = (locales) => Intl.DateTimeFormat.supportedLocalesOf(locales);

/**
 * The locale to hand to Intl: runtimes built without Luxembourgish data
 * format lb as German, the nearest language residents read.
 */
export function intlLocale(locale: Locale, supported: SupportedLocalesOf = defaultSupport): string {
  if (locale === 'lb' && supported(['lb']).length === 0) return 'de-LU';
  return `${locale}-LU`;
}

/** A clock time such as 14:05:09 in the reader's language. */
export function formatTime(date: Date, locale: Locale, timeZone?: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeStyle: 'medium', ...(timeZone ? { timeZone } : {}) }).format(date);
}

/** A number such as 1 234,5 in the reader's language. */
export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale)).format(value);
}
