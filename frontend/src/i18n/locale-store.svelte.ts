import { loadCatalogue } from './catalogues';
import { formatNumber, formatTime, intlLocale } from './format';
import { DEFAULT_LOCALE, type Locale } from './locales';
import { initialLocale } from './negotiate';
import { pluralKey, translate, type Catalogue, type MessageKey, type MessageParams, type PluralBase } from './translate';

export const LOCALE_STORAGE_KEY = 'noper.locale';

/** Where the choice is remembered; `localStorage` in the browser. */
export interface ChoiceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** How a language's catalogue arrives; `loadCatalogue` (one chunk per language) in the app. */
export type CatalogueLoader = (locale: Locale) => Promise<Catalogue>;

/**
 * Holds the reader's language and translates into it; components render, this holds state.
 * Only the reader's language is downloaded: `ready()` loads it before the app first renders, and `set()`
 * switches once the new one has arrived (every catalogue has every key: catalogues.test.ts).
 */
export class LocaleStore {
  current: Locale = $state(DEFAULT_LOCALE);
  #catalogue: Partial<Catalogue> = $state.raw({});
  readonly #storage: ChoiceStorage | undefined;
  readonly #load: CatalogueLoader;
  readonly #loaded = new Map<Locale, Promise<Catalogue>>();

  constructor(preferred: readonly string[], storage?: ChoiceStorage, load: CatalogueLoader = loadCatalogue) {
    this.#storage = storage;
    this.#load = load;
    this.current = initialLocale(safely(() => storage?.getItem(LOCALE_STORAGE_KEY)), preferred);
  }

  /** Loads the current language's catalogue; the app mounts after it. */
  async ready(): Promise<void> {
    this.#catalogue = await this.#catalogueOf(this.current);
  }

  async set(locale: Locale): Promise<void> {
    const catalogue = await this.#catalogueOf(locale);
    this.#catalogue = catalogue;
    this.current = locale;
    safely(() => this.#storage?.setItem(LOCALE_STORAGE_KEY, locale));
  }

  t = (key: MessageKey, params?: MessageParams): string => translate(this.#catalogue, {}, key, params);

  #catalogueOf(locale: Locale): Promise<Catalogue> {
    let loading = this.#loaded.get(locale);
    if (!loading) {
      loading = this.#load(locale);
      loading.catch(() => this.#loaded.delete(locale)); // a failed download is tried again next time
      this.#loaded.set(locale, loading);
    }
    return loading;
  }

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
