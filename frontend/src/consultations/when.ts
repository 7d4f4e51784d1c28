import { intlLocale } from '../i18n/format';
import type { Locale } from '../i18n/locales';

/** A consultation's opening or closing moment, as residents of Luxembourg read it. */
export function formatMoment(iso: string, locale: Locale, timeZone = 'Europe/Luxembourg'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'long', timeStyle: 'short', timeZone }).format(date);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO moment as the value of an <input type="datetime-local"> (the browser's local time). */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The value of an <input type="datetime-local"> as an ISO moment with its offset, or null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
