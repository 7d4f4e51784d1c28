import type { Kind, Member, Post, ReportReason, StateName, Trade } from './posts-api';

export const KINDS: readonly Kind[] = ['discussion', 'help_request', 'help_offer', 'lost_pet', 'found_pet', 'recommendation', 'giveaway'];
export const TRADES: readonly Trade[] = ['plumber', 'electrician', 'babysitter', 'gardener', 'painter', 'carpenter', 'cleaner', 'mechanic', 'tutor', 'other'];
export const REPORT_REASONS: readonly ReportReason[] = ['spam', 'harassment', 'hate', 'misinformation', 'commercial', 'other'];
/** The edit window the API allows (chalicelib/posts/service.py EDIT_WINDOW). */
export const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;

/** State → the states the author may move it to, as chalicelib/posts/models.py TRANSITIONS says. */
const TRANSITIONS: Partial<Record<Kind, Record<string, readonly StateName[]>>> = {
  help_request: { open: ['matched'], matched: ['done', 'open'], done: [] },
  help_offer: { open: ['matched'], matched: ['done', 'open'], done: [] },
  lost_pet: { lost: ['reunited'], reunited: [] },
  found_pet: { lost: ['reunited'], reunited: [] },
  giveaway: { available: ['reserved'], reserved: ['given', 'available'], given: [] },
};

export function isKind(value: string | null | undefined): value is Kind {
  return KINDS.includes(value as Kind);
}

/** The states the post may move to next (none for kinds without states). */
export function nextStates(post: Pick<Post, 'kind' | 'state'>): readonly StateName[] {
  return TRANSITIONS[post.kind]?.[post.state ?? ''] ?? [];
}

export function isPet(kind: Kind): boolean {
  return kind === 'lost_pet' || kind === 'found_pet';
}

/** The photo attached to a post, if any. */
export function photoIdOf(post: Pick<Post, 'content'>): string | null {
  const id = post.content['photo_id'];
  return typeof id === 'string' && id ? id : null;
}

/** A string field of the post's content ('' when absent or withheld). */
export function contentText(post: Pick<Post, 'content'>, field: string): string {
  const value = post.content[field];
  return typeof value === 'string' ? value : '';
}

/**
 * Where a pet was last seen, as the post names the map point's cell: "Montée de l'Église, Clervaux
 * (Clervaux-Süd)" — the neighbourhood only when it adds something; empty for posts that name no place.
 */
export function lastSeenPlace(post: Pick<Post, 'content'>): string {
  const place = post.content['last_seen_place'];
  if (!place || typeof place !== 'object') return '';
  const part = (name: string): string => {
    const value = (place as Record<string, unknown>)[name];
    return typeof value === 'string' ? value : '';
  };
  const parts = [part('street'), part('locality')].filter(Boolean);
  const neighbourhood = part('neighbourhood');
  const label = parts.join(', ');
  if (!neighbourhood || parts.includes(neighbourhood)) return label;
  return label ? `${label} (${neighbourhood})` : neighbourhood;
}

/** When a pet was last seen; posts from before the field say when they were posted. */
export function lastSeenAt(post: Pick<Post, 'content' | 'created_at'>): string {
  return contentText(post, 'last_seen_at') || post.created_at;
}

/** The post's headline: its title, a pet's species or the professional's name. */
export function headlineOf(post: Pick<Post, 'content' | 'kind'>): string {
  if (isPet(post.kind)) return contentText(post, 'species');
  if (post.kind === 'recommendation') return contentText(post, 'name');
  return contentText(post, 'title');
}

/** The post's body text: a pet's description, otherwise its text. */
export function bodyOf(post: Pick<Post, 'content' | 'kind'>): string {
  return isPet(post.kind) ? contentText(post, 'description') : contentText(post, 'text');
}

export function editable(post: Pick<Post, 'created_at' | 'author_id'>, me: string, now: Date = new Date()): boolean {
  return post.author_id === me && now.getTime() - new Date(post.created_at).getTime() < EDIT_WINDOW_MS;
}

export function namesOf(members: readonly Member[]): Map<string, string> {
  return new Map(members.map((member) => [member.id, member.display_name]));
}

export type AuthorLabel = { name: string } | { unknown: 'gone' | 'nearby' | 'neighbour' };

/** What a post or comment says of its author: the name the API kept with it (as the author chose to
 * show it when writing, from any neighbourhood). */
export type Authored = { author_id: string | null; author_name?: string | null };

/** Who wrote it: the name the API sends; for content written before names were kept, the reader's
 * member list; else "a neighbour" (or "a neighbour nearby"). */
export function authorOf(item: Authored, names: ReadonlyMap<string, string>, nearby: boolean): AuthorLabel {
  if (item.author_id === null) return { unknown: 'gone' };
  const name = item.author_name || names.get(item.author_id);
  if (name) return { name };
  return { unknown: nearby ? 'nearby' : 'neighbour' };
}

/**
 * The neighbours named with "@Name" in a comment, as user ids (what the API takes). Longest names
 * first, so "@Anna Weber" is Anna Weber and not Anna; each neighbour once, in the order named.
 */
export function mentionsIn(text: string, members: readonly Member[]): string[] {
  const found: { id: string; at: number }[] = [];
  const lower = text.toLocaleLowerCase();
  const byLength = [...members].filter((m) => m.display_name).sort((a, b) => b.display_name.length - a.display_name.length);
  const taken: [number, number][] = [];
  for (const member of byLength) {
    const needle = `@${member.display_name.toLocaleLowerCase()}`;
    let from = 0;
    for (;;) {
      const at = lower.indexOf(needle, from);
      if (at < 0) break;
      from = at + 1;
      const end = at + needle.length;
      const next = lower.charAt(end);
      if (next && /[\p{L}\p{N}]/u.test(next)) continue; // "@Anna" inside "@Annabel"
      if (taken.some(([start, stop]) => at < stop && end > start)) continue;
      taken.push([at, end]);
      if (!found.some((f) => f.id === member.id)) found.push({ id: member.id, at });
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.id).slice(0, 20);
}

/**
 * The form field an API error names: "post.lost_pet.species" → "species",
 * "post.lost_pet.last_seen.lat" → "last_seen", "post.recommendation" → "contact"
 * (the one-contact rule is the model's), a bare "email" stays "email".
 */
export function formFieldOf(apiField: string, kind: Kind): string {
  let parts = apiField.split('.');
  if (parts[0] === 'post') {
    parts = parts.slice(parts[1] === kind ? 2 : 1);
    if (parts.length === 0) return kind === 'recommendation' ? 'contact' : 'form';
  }
  const first = parts[0] ?? 'form';
  return first === 'self' ? 'form' : first;
}
