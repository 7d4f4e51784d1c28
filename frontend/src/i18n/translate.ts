import type admin from './locales/admin/en.json';
import type audit from './locales/audit/en.json';
import type budget from './locales/budget/en.json';
import type commune from './locales/commune/en.json';
import type doors from './locales/doors/en.json';
import type events from './locales/events/en.json';
import type indicators from './locales/indicators/en.json';
import type en from './locales/en.json';
import type library from './locales/library/en.json';
import type life from './locales/life/en.json';
import type messages from './locales/messages/en.json';
import type moderation from './locales/moderation/en.json';
import type notifications from './locales/notifications/en.json';
import type roles from './locales/roles/en.json';
import type volunteering from './locales/volunteering/en.json';

/** Every message key: the core catalogue's and each area's (`locales/<area>/en.json`). */
export type MessageKey = keyof (typeof en &
  typeof life &
  typeof library &
  typeof messages &
  typeof moderation &
  typeof commune &
  typeof audit &
  typeof budget &
  typeof notifications &
  typeof doors &
  typeof events &
  typeof indicators &
  typeof roles &
  typeof volunteering &
  typeof admin);
export type Catalogue = Record<MessageKey, string>;
export type MessageParams = Record<string, string | number>;

/**
 * Looks `key` up in `catalogue`, then in `fallback`, then gives the key itself,
 * and replaces each `{name}` with `params.name` (unknown placeholders stay as written).
 */
export function translate(
  catalogue: Partial<Catalogue>,
  fallback: Partial<Catalogue>,
  key: MessageKey,
  params: MessageParams = {},
): string {
  const message = catalogue[key] || fallback[key] || key;
  return message.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : placeholder,
  );
}

/** Message keys that come as a pair `<base>.one` / `<base>.other`. */
export type PluralBase = { [K in MessageKey]: K extends `${infer Base}.one` ? Base : never }[MessageKey];

/**
 * The form of `base` for `count`: `.one` where the language's singular applies (1 in English,
 * 0 and 1 in French), `.other` otherwise.
 */
export function pluralKey(base: PluralBase, count: number, rules: Pick<Intl.PluralRules, 'select'>): MessageKey {
  return `${base}.${rules.select(count) === 'one' ? 'one' : 'other'}` as MessageKey;
}
