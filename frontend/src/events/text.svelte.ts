import { intlLocale } from '../i18n/format';
import { i18n } from '../i18n/index.svelte';
import type { Locale } from '../i18n/locales';
import type en from './locales/en.json';

// The events screens' strings live apart from the app's catalogues (i18n/locales), in one small file per
// language (./locales/<lang>.json) that comes with the events screens only: the landing page's download
// (one whole catalogue, tests/unit/test_web_weight.py) does not grow with them. text.test.ts checks that
// every language has every key.
const FILES = import.meta.glob<Record<string, string>>('./locales/*.json', { import: 'default' });

export type EventsKey = keyof typeof en;
export type EventsPlural = { [K in EventsKey]: K extends `${infer Base}.one` ? Base : never }[EventsKey];

/** Translates the events screens' strings into the reader's language (the app's i18n store). */
class EventsText {
  #catalogues: Partial<Record<Locale, Record<string, string>>> = $state({});
  readonly #loading = new Map<Locale, Promise<void>>();

  /** Loads the reader's language (the screens render once it is there). */
  ready(locale: Locale = i18n.current): Promise<void> {
    let loading = this.#loading.get(locale);
    if (!loading) {
      const load = FILES[`./locales/${locale}.json`];
      loading = (load ? load() : Promise.resolve({})).then((catalogue) => {
        this.#catalogues[locale] = catalogue;
      });
      loading.catch(() => this.#loading.delete(locale));
      this.#loading.set(locale, loading);
    }
    return loading;
  }

  /** Whether the reader's language is there (asking for it when not): the screens show "Loading" until then. */
  loaded = (): boolean => {
    const there = this.#catalogues[i18n.current] !== undefined;
    if (!there) void this.ready(i18n.current);
    return there;
  };

  t = (key: EventsKey, params: Record<string, string | number> = {}): string => {
    const locale = i18n.current;
    const catalogue = this.#catalogues[locale];
    if (!catalogue) void this.ready(locale);
    const message = catalogue?.[key] || key;
    return message.replace(/\{(\w+)\}/g, (placeholder, name: string) => (Object.hasOwn(params, name) ? String(params[name]) : placeholder));
  };

  plural = (base: EventsPlural, count: number, params: Record<string, string | number> = {}): string => {
    const form = new Intl.PluralRules(intlLocale(i18n.current)).select(count) === 'one' ? 'one' : 'other';
    return this.t(`${base}.${form}` as EventsKey, { ...params, count: i18n.number(count) });
  };
}

export const eventsText = new EventsText();
