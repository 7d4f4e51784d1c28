// Read by vite.config.ts at build time: keep it free of Vite-only syntax (import.meta.glob).

/**
 * A language's catalogue comes in two parts. The core (`locales/<lang>.json` and the doors' area) holds what
 * the first page and the app's frame show (header, titles, doors); every other area (`locales/<area>/<lang>.json`)
 * arrives with the first screen that needs it (LocaleStore.withAreas), so the landing page carries only the core.
 */
export const CORE_AREAS = ['doors'];

/** Which part of its language's catalogue a file is: 'core' or 'areas'; undefined for any other file. */
export function cataloguePart(moduleId: string): { language: string; part: 'core' | 'areas' } | undefined {
  const match = /\/i18n\/locales\/(?:([^/]+)\/)?([a-z]{2})\.json$/.exec(moduleId);
  if (!match) return undefined;
  const [, area, language = ''] = match;
  return { language, part: area === undefined || CORE_AREAS.includes(area) ? 'core' : 'areas' };
}

/** The chunk a catalogue file goes into (vite.config.ts): `catalogue-<lang>` and `catalogue-<lang>-areas`. */
export function catalogueChunk(moduleId: string): string | undefined {
  const found = cataloguePart(moduleId);
  if (!found) return undefined;
  return found.part === 'core' ? `catalogue-${found.language}` : `catalogue-${found.language}-areas`;
}
