import { intlLocale } from '../i18n/format';
import type { Locale } from '../i18n/locales';

/**
 * The send box's keys: Enter sends, Shift+Enter starts a new line (as in every chat). Returns
 * true when the key was taken to send; a composition in progress (IME) is never interrupted.
 */
export function enterSends(event: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'isComposing' | 'preventDefault'>): boolean {
  if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return false;
  event.preventDefault();
  return true;
}

/** A moment such as "26 Nov 2026, 14:05" in the reader's language. */
export function formatWhen(iso: string, locale: Locale, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(date);
}
