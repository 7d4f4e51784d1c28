import { describe, expect, it } from 'vitest';
import { LOCALE_STORAGE_KEY, LocaleStore, type ChoiceStorage } from './locale-store.svelte';
import type { Locale } from './locales';

function memoryStorage(initial: Record<string, string> = {}): ChoiceStorage & { values: Record<string, string> } {
  const values = { ...initial };
  return { values, getItem: (key) => values[key] ?? null, setItem: (key, value) => void (values[key] = value) };
}

describe('LocaleStore', () => {
  it('starts from the saved choice and remembers a new one', async () => {
    const storage = memoryStorage({ [LOCALE_STORAGE_KEY]: 'lb' });
    const store = new LocaleStore(['en-US'], storage);
    expect(store.current).toBe('lb');
    await store.ready();
    expect(store.t('language.label')).toBe('Sprooch');

    await store.set('pt');

    expect(store.t('language.label')).toBe('Idioma');
    expect(storage.values[LOCALE_STORAGE_KEY]).toBe('pt');
  });

  it('still works when storage throws', async () => {
    const broken: ChoiceStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    const store = new LocaleStore(['de-LU'], broken);
    expect(store.current).toBe('de');
    await store.set('en');
    expect(store.t('nav.home')).toBe('Home');
  });

  it('downloads only the languages read, each once, and switches when the new one is there', async () => {
    const asked: Locale[] = [];
    let arrive = () => {};
    const store = new LocaleStore(['fr'], undefined, (locale) => {
      asked.push(locale);
      const catalogue = { 'nav.home': `home in ${locale}` } as never;
      return locale === 'de' ? new Promise((resolve) => (arrive = () => resolve(catalogue))) : Promise.resolve(catalogue);
    });
    await store.ready();
    const switching = store.set('de');
    expect(store.t('nav.home')).toBe('home in fr'); // still French until German has arrived
    arrive();
    await switching;
    expect(store.current).toBe('de');
    expect(store.t('nav.home')).toBe('home in de');
    await store.set('fr');
    expect(asked).toEqual(['fr', 'de']);
  });

  it('brings the areas with the first screen that asks, and every later language whole', async () => {
    const asked: string[] = [];
    const store = new LocaleStore(['fr'], undefined, async (locale, part) => {
      asked.push(`${locale}:${part}`);
      return (part === 'core' ? { 'nav.home': `home in ${locale}` } : { 'life.feed.back': `feed in ${locale}` }) as never;
    });
    await store.ready();
    expect(store.t('nav.home')).toBe('home in fr');
    expect(store.t('life.feed.back')).toBe('life.feed.back'); // the landing page carries the core only
    await store.withAreas();
    await store.withAreas();
    expect(store.t('life.feed.back')).toBe('feed in fr');
    await store.set('de');
    expect(store.t('life.feed.back')).toBe('feed in de');
    expect(asked).toEqual(['fr:core', 'fr:areas', 'de:core', 'de:areas']);
  });
});
