import de from './locales/de.json';
import en from './locales/en.json';
import fr from './locales/fr.json';
import lb from './locales/lb.json';
import pt from './locales/pt.json';
import type { Locale } from './locales';
import type { Catalogue } from './translate';

export const CATALOGUES = { lb, fr, de, en, pt } satisfies Record<Locale, Catalogue>;
export const FALLBACK_CATALOGUE: Catalogue = en;
