import type { Locale } from './locales';
import { LOCALES } from './locales';
import type { Catalogue } from './translate';

// Each language is `locales/<lang>.json` plus one file per area of the app, `locales/<area>/<lang>.json`.
const FILES = import.meta.glob<Record<string, string>>('./locales/**/*.json', { eager: true, import: 'default' });

function catalogueOf(locale: Locale): Catalogue {
  const parts = Object.entries(FILES)
    .filter(([path]) => path.endsWith(`/${locale}.json`))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, messages]) => messages);
  return Object.assign({}, ...parts) as Catalogue;
}

export const CATALOGUES = Object.fromEntries(LOCALES.map((locale) => [locale, catalogueOf(locale)])) as Record<
  Locale,
  Catalogue
>;
export const FALLBACK_CATALOGUE: Catalogue = CATALOGUES.en;
