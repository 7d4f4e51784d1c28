import { describe, expect, it } from 'vitest';
import { LOCALES } from '../i18n/locales';

const FILES = import.meta.glob<Record<string, string>>('./locales/*.json', { eager: true, import: 'default' });
const read = (locale: string): Record<string, string> => FILES[`./locales/${locale}.json`] ?? {};

describe("the events screens' strings", () => {
  const english = read('en');

  it('come in every language of the app, and only those', () => {
    expect(Object.keys(FILES).sort()).toEqual(LOCALES.map((locale) => `./locales/${locale}.json`).sort());
  });

  it.each(LOCALES)('%s has every key, no other, each with the same placeholders', (locale) => {
    const catalogue = read(locale);
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
    const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, message] of Object.entries(catalogue)) {
      expect(message.trim(), `${locale} ${key}`).not.toBe('');
      expect(names(message), `${locale} ${key}`).toEqual(names(english[key] ?? ''));
    }
  });

  it('name each event category the API knows', () => {
    for (const category of ['flea_market', 'party', 'meeting', 'walk_sport', 'repair_cafe', 'children', 'culture', 'cleaning_day', 'other']) {
      expect(english[`category.${category}`]).toBeTruthy();
    }
  });
});
