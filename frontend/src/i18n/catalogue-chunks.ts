// Read by vite.config.ts at build time: keep it free of Vite-only syntax (import.meta.glob).

/** The chunk a catalogue file goes into (vite.config.ts): one per language. */
export function catalogueChunk(moduleId: string): string | undefined {
  const language = /\/i18n\/locales\/(?:[^/]+\/)?([a-z]{2})\.json$/.exec(moduleId)?.[1];
  return language ? `catalogue-${language}` : undefined;
}
