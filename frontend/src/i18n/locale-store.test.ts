import { describe, expect, it } from 'vitest';
import { LOCALE_STORAGE_KEY, LocaleStore, type ChoiceStorage } from './locale-store.svelte';

function memoryStorage(initial: Record<string, string> = {}): ChoiceStorage & { values: Record<string, string> } {
  const values = { ...initial };
  return { values, getItem: (key) => values[key] ?? null, setItem: (key, value) => void (values[key] = value) };
}

describe('LocaleStore', () => {
  it('starts from the saved choice and remembers a new one', () => {
    const storage = memoryStorage({ [LOCALE_STORAGE_KEY]: 'lb' });
    const store = new LocaleStore(['en-US'], storage);
    expect(store.current).toBe('lb');
    expect(store.t('language.label')).toBe('Sprooch');

    store.set('pt');

    expect(store.t('language.label')).toBe('Idioma');
    expect(storage.values[LOCALE_STORAGE_KEY]).toBe('pt');
  });

  it('still works when storage throws', () => {
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
    store.set('en');
    expect(store.t('nav.home')).toBe('Home');
  });
});
