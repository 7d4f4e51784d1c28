import { LocaleStore } from './locale-store.svelte';

/** The app's one locale store, seeded from the saved choice or the browser's languages. */
export const i18n = new LocaleStore(
  typeof navigator === 'undefined' ? [] : navigator.languages,
  typeof localStorage === 'undefined' ? undefined : localStorage,
);
