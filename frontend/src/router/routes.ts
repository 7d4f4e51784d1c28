export type Route =
  | { name: 'home' }
  | { name: 'status' }
  | { name: 'communes' }
  | { name: 'commune'; lau2: string }
  | { name: 'budget'; lau2: string; edition: string; proposal: string }
  | { name: 'adminCommunes' }
  | { name: 'admin'; lau2: string; section: string }
  | { name: 'signIn' }
  | { name: 'join' }
  | { name: 'me' }
  | { name: 'neighbourhood'; id: string }
  | { name: ResidentScreen; id: string }
  | { name: 'publish' }
  | { name: 'notFound'; path: string };

/**
 * Resident screens that show one thing named by an id (a neighbourhood, a post, an item, a
 * conversation, a consultation, a call for volunteers); `messages`, `announcements`, `myShifts` and `myCalls` take an empty id.
 */
export type ResidentScreen =
  | 'feed'
  | 'compose'
  | 'post'
  | 'library'
  | 'item'
  | 'professionals'
  | 'helpers'
  | 'moderation'
  | 'messages'
  | 'conversation'
  | 'announcements'
  | 'consultation'
  | 'events'
  | 'organiseEvent'
  | 'event'
  | 'volunteering'
  | 'publishCall'
  | 'call'
  | 'myShifts'
  | 'myCalls';

const ID = '([0-9A-Za-z_-]{1,64})';
const RESIDENT_SCREENS: [RegExp, ResidentScreen][] = [
  [new RegExp(`^/neighbourhoods/${ID}/posts$`), 'feed'],
  [new RegExp(`^/neighbourhoods/${ID}/posts/new$`), 'compose'],
  [new RegExp(`^/posts/${ID}$`), 'post'],
  [new RegExp(`^/neighbourhoods/${ID}/library$`), 'library'],
  [new RegExp(`^/items/${ID}$`), 'item'],
  [new RegExp(`^/neighbourhoods/${ID}/professionals$`), 'professionals'],
  [new RegExp(`^/neighbourhoods/${ID}/helpers$`), 'helpers'],
  [new RegExp(`^/neighbourhoods/${ID}/moderation$`), 'moderation'],
  [/^\/messages()$/, 'messages'],
  [new RegExp(`^/messages/${ID}$`), 'conversation'],
  [/^\/announcements()$/, 'announcements'],
  [new RegExp(`^/consultations/${ID}$`), 'consultation'],
  [new RegExp(`^/neighbourhoods/${ID}/events$`), 'events'],
  [new RegExp(`^/neighbourhoods/${ID}/events/new$`), 'organiseEvent'],
  [new RegExp(`^/events/${ID}$`), 'event'],
  [new RegExp(`^/neighbourhoods/${ID}/volunteering$`), 'volunteering'],
  [new RegExp(`^/neighbourhoods/${ID}/volunteering/new$`), 'publishCall'],
  [new RegExp(`^/volunteering/${ID}$`), 'call'],
  [/^\/me\/shifts()$/, 'myShifts'],
  [/^\/me\/calls()$/, 'myCalls'],
];

const ROUTES: Record<string, Route> = {
  '/': { name: 'home' },
  '/index.html': { name: 'home' },
  '/status': { name: 'status' },
  '/communes': { name: 'communes' },
  '/admin': { name: 'adminCommunes' },
  '/sign-in': { name: 'signIn' },
  '/join': { name: 'join' },
  '/me': { name: 'me' },
  '/publish': { name: 'publish' },
};

// A neighbourhood's id, e.g. 0501-891fa065313.
const NEIGHBOURHOOD = /^\/neighbourhoods\/([0-9A-Za-z_-]{1,64})$/;

/** Screens that need a signed-in resident (or staff member); the app sends others to sign in first. */
export const SIGNED_IN_ONLY: ReadonlySet<Route['name']> = new Set([
  'admin',
  'join',
  'me',
  'neighbourhood',
  ...RESIDENT_SCREENS.map(([, name]) => name),
]);

export function isResidentScreen(route: Route): route is { name: ResidentScreen; id: string } {
  return RESIDENT_SCREENS.some(([, name]) => name === route.name);
}

// A commune's LAU2 code, e.g. 0501; the API says whether it exists.
const WITH_COMMUNE = /^\/(communes|admin)\/([0-9A-Za-z]{1,12})$/;
// A commune's participatory budgets, one of them, one of its proposals: open to anyone (the API says what each
// reader may see: published results for strangers, everything for the commune's residents).
const BUDGET = /^\/communes\/([0-9A-Za-z]{1,12})\/budgets(?:\/([0-9A-Za-z_-]{1,64})(?:\/proposals\/([0-9A-Za-z_-]{1,64}))?)?$/;
// A section of a commune's admin area, e.g. /admin/0501/verifications (admin/sections.ts says which exist).
const ADMIN_SECTION = /^\/admin\/([0-9A-Za-z]{1,12})\/([a-z][a-z-]{0,31})$/;

/** The screen for a URL path; a trailing slash, query or fragment does not matter. */
export function matchRoute(location: string): Route {
  const path = location.split(/[?#]/)[0] || '/';
  const normalised = path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
  const fixed = ROUTES[normalised];
  if (fixed) return fixed;
  const commune = WITH_COMMUNE.exec(normalised);
  if (commune?.[2]) return commune[1] === 'communes' ? { name: 'commune', lau2: commune[2] } : { name: 'admin', lau2: commune[2], section: '' };
  const budget = BUDGET.exec(normalised);
  if (budget?.[1]) return { name: 'budget', lau2: budget[1], edition: budget[2] ?? '', proposal: budget[3] ?? '' };
  const section = ADMIN_SECTION.exec(normalised);
  if (section?.[1] && section[2]) return { name: 'admin', lau2: section[1], section: section[2] };
  const neighbourhood = NEIGHBOURHOOD.exec(normalised);
  if (neighbourhood?.[1]) return { name: 'neighbourhood', id: neighbourhood[1] };
  for (const [pattern, name] of RESIDENT_SCREENS) {
    const match = pattern.exec(normalised);
    if (match) return { name, id: match[1] ?? '' };
  }
  return { name: 'notFound', path };
}
