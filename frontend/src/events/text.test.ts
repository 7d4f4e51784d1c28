import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../i18n/locales';

const dir = fileURLToPath(new URL('./locales/', import.meta.url));
const read = (file: string): Record<string, string> => JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Record<string, string>;

describe("the events screens' strings", () => {
  const english = read('en.json');

  it('come in every language of the app, and only those', () => {
    expect(readdirSync(dir).sort()).toEqual(LOCALES.map((locale) => `${locale}.json`).sort());
  });

  it.each(LOCALES)('%s has every key, no other, each with the same placeholders', (locale) => {
    const catalogue = read(`${locale}.json`);
    expect(Object.keys(catalogue).sort()).toEqual(Object.keys(english).sort());
    for (const [key, message] of Object.entries(catalogue)) {
      expect(message.trim(), `${locale} ${key}`).not.toBe('');
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(message), `${locale} ${key}`).toEqual(names(english[key] ?? ''));
    }
  });

  it('name each event category the API knows', () => {
    for (const category of ['flea_market', 'party', 'meeting', 'walk_sport', 'repair_cafe', 'children', 'culture', 'cleaning_day', 'other']) {
      expect(english[`category.${category}`]).toBeTruthy();
    }
  });
});
