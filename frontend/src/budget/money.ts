import { intlLocale } from '../i18n/format';
import type { Locale } from '../i18n/locales';

/** An amount in euro cents as the reader's language writes euros (€ 1.234,50 / 1 234,50 € …). */
export function formatMoney(cents: number, locale: Locale): string {
  const whole = cents % 100 === 0;
  return new Intl.NumberFormat(intlLocale(locale), {
    style: 'currency', currency: 'EUR', minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2,
  }).format(cents / 100);
}

/** Euros as typed in a form (12 500, 12500,50, 12.500,50 or 12500.50) → whole cents; null when it is no amount. */
export function parseEuros(text: string): number | null {
  let cleaned = text.replace(/[\s\u00a0\u202f€]/g, '');
  if (!/^\d[\d.,]*$/.test(cleaned)) return null;
  // The last separator followed by one or two digits is the decimal one; the others group thousands.
  const decimal = /[.,](\d{1,2})$/.exec(cleaned);
  let cents = 0;
  if (decimal) {
    cents = Number(decimal[1]!.padEnd(2, '0'));
    cleaned = cleaned.slice(0, -decimal[0].length);
  }
  const euros = cleaned.replace(/[.,]/g, '');
  if (!/^\d+$/.test(euros)) return null;
  return Number(euros) * 100 + cents;
}
