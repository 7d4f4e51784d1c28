export const LOCALES = ['lb', 'fr', 'de', 'en', 'pt'] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = 'fr';

/** Each language named in itself, as the switcher lists it. */
export const LOCALE_NAMES: Record<Locale, string> = {
  lb: 'Lëtzebuergesch',
  fr: 'Français',
  de: 'Deutsch',
  en: 'English',
  pt: 'Português',
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}
