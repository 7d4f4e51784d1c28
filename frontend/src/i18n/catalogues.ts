import { cataloguePart } from './catalogue-chunks';
import { LOCALES, type Locale } from './locales';
import type { Catalogue } from './translate';

// Each language is `locales/<lang>.json` plus one file per area of the app, `locales/<area>/<lang>.json`.
// Loaded on demand, one language at a time, in two parts (catalogue-chunks.ts): the core before the app first
// renders, the other areas with the first screen that needs them. vite.config.ts bundles each part of a
// language into one chunk, so a reader downloads their own language only, and the landing page its core only.
const FILES = import.meta.glob<Record<string, string>>('./locales/**/*.json', { import: 'default' });

export type CataloguePart = 'core' | 'areas';

/** A part of the catalogue of `locale` (both when `part` is not given): its files, merged. */
export async function loadCatalogue(locale: Locale, part?: CataloguePart): Promise<Partial<Catalogue>> {
  const parts = await Promise.all(
    Object.entries(FILES)
      .filter(([path]) => {
        const found = cataloguePart(path.replace(/^\./, '/i18n'));
        return found?.language === locale && (part === undefined || found.part === part);
      })
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, load]) => load()),
  );
  return Object.assign({}, ...parts) as Partial<Catalogue>;
}

/** Every language at once, whole, for tests that compare catalogues (the app loads one at a time). */
export async function loadEveryCatalogue(): Promise<Record<Locale, Catalogue>> {
  const loaded = await Promise.all(LOCALES.map(async (locale) => [locale, await loadCatalogue(locale)] as const));
  return Object.fromEntries(loaded) as Record<Locale, Catalogue>;
}
