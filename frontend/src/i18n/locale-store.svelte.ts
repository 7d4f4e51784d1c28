import { loadCatalogue, type CataloguePart } from './catalogues';
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

/** How a part of a language's catalogue arrives; `loadCatalogue` (one chunk per part and language) in the app. */
export type CatalogueLoader = (locale: Locale, part: CataloguePart) => Promise<Partial<Catalogue>>;

/**
 * Holds the reader's language and translates into it; components render, this holds state.
 * Only the reader's language is downloaded: `ready()` loads its core before the app first renders,
 * `withAreas()` the rest with the first screen that needs it (catalogue-chunks.ts), and `set()` switches once
 * the new language has arrived, in the parts already asked for (every catalogue has every key: catalogues.test.ts).
 */
export class LocaleStore {
  current: Locale = $state(DEFAULT_LOCALE);
  #catalogue: Partial<Catalogue> = $state.raw({});
  readonly #storage: ChoiceStorage | undefined;
  readonly #load: CatalogueLoader;
  readonly #loaded = new Map<string, Promise<Partial<Catalogue>>>();
  #areas = false; // asked for by a screen: every later language comes whole

  constructor(preferred: readonly string[], storage?: ChoiceStorage, load: CatalogueLoader = loadCatalogue) {
    this.#storage = storage;
    this.#load = load;
    this.current = initialLocale(safely(() => storage?.getItem(LOCALE_STORAGE_KEY)), preferred);
  }

  /** Loads the core of the current language's catalogue; the app mounts after it. */
  async ready(): Promise<void> {
    this.#catalogue = await this.#catalogueOf(this.current);
  }

  /** Loads the rest of the current language's catalogue (once): a screen's loader awaits it with its code. */
  async withAreas(): Promise<void> {
    this.#areas = true;
    const locale = this.current;
    const catalogue = await this.#catalogueOf(locale);
    if (this.current === locale) this.#catalogue = catalogue;
  }

  async set(locale: Locale): Promise<void> {
    const catalogue = await this.#catalogueOf(locale);
    this.#catalogue = catalogue;
    this.current = locale;
    safely(() => this.#storage?.setItem(LOCALE_STORAGE_KEY, locale));
  }

  t = (key: MessageKey, params?: MessageParams): string => translate(this.#catalogue, {}, key, params);

  /** The language's core, with its areas once a screen asked for them. */
  async #catalogueOf(locale: Locale): Promise<Partial<Catalogue>> {
    const parts: CataloguePart[] = this.#areas ? ['core', 'areas'] : ['core'];
    return Object.assign({}, ...(await Promise.all(parts.map((part) => this.#part(locale, part)))));
  }

  #part(locale: Locale, part: CataloguePart): Promise<Partial<Catalogue>> {
    const key = `${locale}:${part}`;
    let loading = this.#loaded.get(key);
    if (!loading) {
      loading = this.#load(locale, part);
      loading.catch(() => this.#loaded.delete(key)); // a failed download is tried again next time
      this.#loaded.set(key, loading);
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
