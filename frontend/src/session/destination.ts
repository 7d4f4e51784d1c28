import type { Profile } from './session-api';

/** Paths that make no sense to come back to after signing in. */
const NOT_A_DESTINATION = /^\/(sign-in|api)(\/|\?|#|$)/;

/** The in-app path a `?next=` names, or null when it is missing or leads elsewhere (open redirects). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (/[\u0000-\u001f]/.test(next) || NOT_A_DESTINATION.test(next)) return null;
  return next;
}

/** Where a person goes once signed in. Commune staff who live elsewhere: where they were going, else their
 * admin page (they name themselves in their profile). A resident: asked for the name neighbours see until
 * they chose one (once, for accounts older than the question), then where they were going, else their
 * profile or the join wizard. */
export function afterSignIn(profile: Profile, next: string | null | undefined): string {
  const wanted = safeNext(next);
  if (profile.staff.length > 0 && profile.residence.status === 'none') return wanted ?? staffHome(profile);
  if (profile.name_chosen === false) return wanted && /^\/join([?#]|$)/.test(wanted) ? wanted : '/join'; // a letter's QR code
  return wanted ?? (profile.residence.status === 'none' ? '/join' : '/me');
}

/** Staff's admin page: the overview of their commune, or the list when they work for several. */
function staffHome(profile: Profile): string {
  const communes = new Set(profile.staff.map((grant) => grant.lau2));
  return communes.size === 1 ? `/admin/${encodeURIComponent([...communes][0] ?? '')}` : '/admin';
}

/** The sign-in page that comes back to `path` afterwards. */
export function signInHref(path: string): string {
  const next = safeNext(path);
  return next && next !== '/' ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in';
}

/** A query parameter of an in-app path (`/join?code=X` → X for "code"). */
export function queryParam(path: string, name: string): string | null {
  const query = path.split('#')[0]?.split('?')[1];
  return query === undefined ? null : new URLSearchParams(query).get(name);
}
