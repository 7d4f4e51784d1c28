export type Route =
  | { name: 'home' }
  | { name: 'status' }
  | { name: 'communes' }
  | { name: 'commune'; lau2: string }
  | { name: 'adminCommunes' }
  | { name: 'admin'; lau2: string }
  | { name: 'signIn' }
  | { name: 'join' }
  | { name: 'me' }
  | { name: 'neighbourhood'; id: string }
  | { name: 'notFound'; path: string };

const ROUTES: Record<string, Route> = {
  '/': { name: 'home' },
  '/index.html': { name: 'home' },
  '/status': { name: 'status' },
  '/communes': { name: 'communes' },
  '/admin': { name: 'adminCommunes' },
  '/sign-in': { name: 'signIn' },
  '/join': { name: 'join' },
  '/me': { name: 'me' },
};

// A neighbourhood's id, e.g. 0501-891fa065313.
const NEIGHBOURHOOD = /^\/neighbourhoods\/([0-9A-Za-z_-]{1,64})$/;

/** Screens that need a signed-in resident; the app sends others to sign in first. */
export const SIGNED_IN_ONLY: ReadonlySet<Route['name']> = new Set(['join', 'me', 'neighbourhood']);

// A commune's LAU2 code, e.g. 0501; the API says whether it exists.
const WITH_COMMUNE = /^\/(communes|admin)\/([0-9A-Za-z]{1,12})$/;

/** The screen for a URL path; a trailing slash, query or fragment does not matter. */
export function matchRoute(location: string): Route {
  const path = location.split(/[?#]/)[0] || '/';
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
  const fixed = ROUTES[normalised];
  if (fixed) return fixed;
  const commune = WITH_COMMUNE.exec(normalised);
  if (commune?.[2]) return commune[1] === 'communes' ? { name: 'commune', lau2: commune[2] } : { name: 'admin', lau2: commune[2] };
  const neighbourhood = NEIGHBOURHOOD.exec(normalised);
  if (neighbourhood?.[1]) return { name: 'neighbourhood', id: neighbourhood[1] };
  return { name: 'notFound', path };
}
