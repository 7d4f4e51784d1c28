import { intlLocale } from './format';
import type { Locale } from './locales';

/**
 * A spoken language's name in the reader's language ("lb" → "Luxembourgish"), from the browser's
 * CLDR data; `other` for the API's "other", the code itself where the browser has no name.
 */
export function languageName(code: string, reader: Locale, other: string): string {
  if (code === 'other') return other;
  try {
    const name = new Intl.DisplayNames([intlLocale(reader), 'en'], { type: 'language' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}
