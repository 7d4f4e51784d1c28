import { describe, expect, it } from 'vitest';
import { catalogueChunk, cataloguePart } from './catalogue-chunks';
import { loadEveryCatalogue } from './catalogues';
import { LOCALES } from './locales';
import { pluralKey, translate } from './translate';

const CATALOGUES = await loadEveryCatalogue();

const englishKeys = Object.keys(CATALOGUES.en).sort();

const FILES = import.meta.glob<Record<string, string>>('./locales/**/en.json', { eager: true, import: 'default' });

// What renders before any screen has loaded the catalogue's areas: the app's frame and the landing page.
const FRAME = import.meta.glob<string>(
  ['../App.svelte', '../layout/*.svelte', '../home/*.svelte', '../status/*.svelte', '../not-found/ClosedDoor.svelte',
   '../not-found/NotFoundScreen.svelte'],
  { eager: true, query: '?raw', import: 'default' },
);

describe('catalogues', () => {
  it("keeps what the frame and the landing page show in the core, which arrives before the first render", () => {
    const core = new Set(
      Object.entries(FILES)
        .filter(([path]) => cataloguePart(path.replace(/^\./, '/i18n'))?.part === 'core')
        .flatMap(([, messages]) => Object.keys(messages)),
    );
    const outside = Object.entries(FRAME).flatMap(([file, source]) =>
      [...source.matchAll(/['"`]([a-zA-Z]+(?:\.[a-zA-Z0-9]+)+)['"`]/g)]
        .map((match) => match[1] ?? '')
        .filter((key) => key in CATALOGUES.en && !core.has(key))
        .map((key) => `${key} (${file})`),
    );
    expect(Object.keys(FRAME).length).toBeGreaterThan(5);
    expect(outside).toEqual([]);
  });

  it('gives each key in one file only (no area overrides another)', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [path, messages] of Object.entries(FILES)) {
      for (const key of Object.keys(messages)) {
        if (seen.has(key)) twice.push(`${key}: ${seen.get(key)} and ${path}`);
        seen.set(key, path);
      }
    }
    expect(twice).toEqual([]);
  });

  it.each(LOCALES)('%s has exactly the keys of en', (locale) => {
    expect(Object.keys(CATALOGUES[locale]).sort()).toEqual(englishKeys);
  });

  it.each(LOCALES)('%s has no empty message', (locale) => {
    const empty = Object.entries(CATALOGUES[locale]).filter(([, message]) => message.trim() === '');
    expect(empty).toEqual([]);
  });

  it.each(LOCALES)('%s keeps the placeholders of en', (locale) => {
    const placeholders = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, message] of Object.entries(CATALOGUES.en)) {
      expect(placeholders(CATALOGUES[locale][key as keyof typeof CATALOGUES.en]), `${locale} ${key}`).toEqual(
        placeholders(message),
      );
    }
  });

  it('translates messages rather than copying English', () => {
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      for (const key of ['status.checkAgain', 'status.state.ok', 'language.label', 'home.intro'] as const) {
        expect(CATALOGUES[locale][key], `${locale} ${key}`).not.toBe(CATALOGUES.en[key]);
      }
    }
  });

  it('puts each language, core and areas, in a chunk of its own', () => {
    expect(catalogueChunk('/app/src/i18n/locales/lb.json')).toBe('catalogue-lb');
    expect(catalogueChunk('/app/src/i18n/locales/moderation/pt.json')).toBe('catalogue-pt-areas');
    expect(catalogueChunk('/app/src/i18n/locales/doors/pt.json')).toBe('catalogue-pt');
    expect(catalogueChunk('/app/src/i18n/locales.ts')).toBeUndefined();
    expect(catalogueChunk('/app/src/api/openapi.json')).toBeUndefined();
  });

  it('names a commune "comuna" in Portuguese, as Luxembourg\'s Portuguese press does, never "município"', () => {
    const mixed = Object.entries(CATALOGUES.pt).filter(([, message]) => /munic[íi]pio/i.test(message));
    expect(mixed).toEqual([]);
  });

  it('says "1 thank-you", not "1 thanks"', () => {
    const thanks = (count: number) =>
      translate(CATALOGUES.en, {}, pluralKey('life.thanks.count', count, new Intl.PluralRules('en')), { count });
    expect([thanks(1), thanks(2)]).toEqual(['1 thank-you', '2 thanks']);
  });
});
