/**
 * The in-app path a click on a link should open without reloading, or null when the
 * browser must handle it (other origin, new tab, download, modifier keys, in-page anchor).
 */
export function internalLinkTarget(event: MouseEvent, origin: string): string | null {
  if (event.defaultPrevented || event.button !== 0) return null;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return null;
  const anchor = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(anchor instanceof HTMLAnchorElement)) return null;
  if (anchor.target && anchor.target !== '_self') return null;
  if (anchor.hasAttribute('download') || anchor.getAttribute('href')?.startsWith('#')) return null;
  const url = new URL(anchor.href);
  if (url.origin !== origin || url.pathname.startsWith('/api/')) return null;
  return url.pathname + url.search + url.hash;
}
