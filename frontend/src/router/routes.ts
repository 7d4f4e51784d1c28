export type Route = { name: 'home' } | { name: 'status' } | { name: 'notFound'; path: string };

const ROUTES: Record<string, Route> = {
  '/': { name: 'home' },
  '/index.html': { name: 'home' },
  '/status': { name: 'status' },
};

/** The screen for a URL path; a trailing slash, query or fragment does not matter. */
export function matchRoute(location: string): Route {
  const path = location.split(/[?#]/)[0] || '/';
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
  return ROUTES[normalised] ?? { name: 'notFound', path };
}
