import type { Profile } from '../api/client';

/** Opens an in-app path as a link click would; `replace` for redirects, so Back does not loop. */
export type Navigate = (path: string, options?: { replace?: boolean }) => Promise<void>;

/**
 * What App gives every resident screen: the id from its path (empty for lists such as
 * /messages), the signed-in resident, the query string and a way to move on.
 */
export type ScreenProps = { id: string; profile: Profile; query: URLSearchParams; navigate: Navigate };
