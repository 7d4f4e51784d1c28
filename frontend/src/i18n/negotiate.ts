import { DEFAULT_LOCALE, isLocale, type Locale } from './locales';

// ISO 639-2/3 codes some systems report instead of the two-letter ones.
const ALIASES: Record<string, Locale> = { ltz: 'lb', fra: 'fr', fre: 'fr', deu: 'de', ger: 'de', eng: 'en', por: 'pt', gsw: 'de' };

/** The first of the user's preferred languages (BCP 47 tags, best first) that Noper speaks, else French. */
export function negotiateLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
    if (isLocale(primary)) return primary;
    const alias = ALIASES[primary];
    if (alias) return alias;
  }
  return DEFAULT_LOCALE;
}

/** A saved choice wins; otherwise the browser's languages decide. */
export function initialLocale(saved: string | null | undefined, preferred: readonly string[]): Locale {
  return isLocale(saved) ? saved : negotiateLocale(preferred);
}
