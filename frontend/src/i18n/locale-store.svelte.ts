import { CATALOGUES, FALLBACK_CATALOGUE } from './catalogues';
import { formatNumber, formatTime, intlLocale } from './format';
import { DEFAULT_LOCALE, type Locale } from './locales';
import { initialLocale } from './negotiate';
import { pluralKey, translate, type MessageKey, type MessageParams, type PluralBase } from './translate';

export const LOCALE_STORAGE_KEY = 'noper.locale';

/** Where the choice is remembered; `localStorage` in the browser. */
export interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Holds the reader's language and translates into it; components render, this holds state. */
export class LocaleStore {
  current: Locale = $state(DEFAULT_LOCALE);
  readonly #storage: ChoiceStorage | undefined;

  constructor(preferred: readonly string[], storage?: ChoiceStorage) {
    this.#storage = storage;
    this.current = initialLocale(safely(() => storage?.getItem(LOCALE_STORAGE_KEY)), preferred);
  }

  set(locale: Locale): void {
    this.current = locale;
    safely(() => this.#storage?.setItem(LOCALE_STORAGE_KEY, locale));
  }

  t = (key: MessageKey, params?: MessageParams): string =>
    translate(CATALOGUES[this.current], FALLBACK_CATALOGUE, key, params);

  /** A message with a `{count}` that agrees with the count, e.g. "1 address", "2 addresses". */
  plural = (base: PluralBase, count: number, params: MessageParams = {}): string =>
    this.t(pluralKey(base, count, new Intl.PluralRules(intlLocale(this.current))), { ...params, count: this.number(count) });

  time = (date: Date): string => formatTime(date, this.current);

  number = (value: number): string => formatNumber(value, this.current);
}

// Storage can throw (private mode, blocked cookies); the app still works without remembering.
function safely<T>(action: () => T): T | undefined {
  try {
    return action();
  } catch {
    return undefined;
  }
}
