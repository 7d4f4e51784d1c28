import en from './locales/en.json';

export type MessageKey = keyof typeof en;
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
