import { LOCALES, type Locale } from './locales';
import type { Catalogue } from './translate';

// Each language is `locales/<lang>.json` plus one file per area of the app, `locales/<area>/<lang>.json`.
// Loaded on demand, one language at a time: vite.config.ts bundles a language's files into one chunk
// (`catalogue-<lang>`), so a reader downloads their own language only.
const FILES = import.meta.glob<Record<string, string>>('./locales/**/*.json', { import: 'default' });

/** The whole catalogue of `locale`: its core file and every area's, merged. */
export async function loadCatalogue(locale: Locale): Promise<Catalogue> {
  const parts = await Promise.all(
    Object.entries(FILES)
      .filter(([path]) => path.endsWith(`/${locale}.json`))
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, load]) => load()),
  );
  return Object.assign({}, ...parts) as Catalogue;
}

/** Every language at once, for tests that compare catalogues (the app loads one at a time). */
export async function loadEveryCatalogue(): Promise<Record<Locale, Catalogue>> {
  const loaded = await Promise.all(LOCALES.map(async (locale) => [locale, await loadCatalogue(locale)] as const));
  return Object.fromEntries(loaded) as Record<Locale, Catalogue>;
}
