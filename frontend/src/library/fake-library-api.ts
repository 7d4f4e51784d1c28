import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { Comment } from '../comments/comments-api';
import type { Item, ItemCalendar, LibraryApi, Loan, Wanted } from './library-api';

/** Test data and a recording fake of the lending API (used by the unit tests only). */
export const ITEM: Item = {
  id: 'ITEM1', neighbourhood_id: 'n1', owner_id: 'U-OWNER', mine: false, name: 'Drill', description: 'Bosch',
  conditions: 'Bring it back clean', category: 'tools', photo_id: null, available: true, blocked: [], created_at: '2026-11-01T10:00:00Z',
  hidden: false, hidden_reason: null, hidden_note: null, hidden_reason_text: null,
};

export const loan = (over: Partial<Loan> = {}): Loan => ({
  id: 'LOAN1', item_id: 'ITEM1', item_name: 'Drill', neighbourhood_id: 'n1', owner_id: 'U-OWNER', borrower_id: 'U-ME',
  role: 'borrower', start: '2026-12-08', end: '2026-12-09', state: 'requested', overdue: false, created_at: '2026-12-01T10:00:00Z', ...over,
});

export const wanted = (over: Partial<Wanted> = {}): Wanted => ({
  id: 'W1', neighbourhood_id: 'n1', author_id: 'U-ME', mine: true, name: 'Trailer', description: '', state: 'open', created_at: '2026-12-01T10:00:00Z', ...over,
});

export const CALENDAR: ItemCalendar = {
  item_id: 'ITEM1', start: '2026-12-02', end: '2027-01-12', taken: ['2026-12-05'], blocked: [], available: true, item: ITEM,
};

export const itemComment = (id: string, over: Partial<Comment> = {}): Comment => ({
  id, post_id: null, about_kind: 'item', about_id: 'ITEM1', reply_to: null, author_id: 'U-NEIGHBOUR', text: `comment ${id}`, mentions: [],
  deleted: false, created_at: '2026-12-01T11:00:00Z', hidden: false, hidden_reason: null, hidden_note: null, hidden_reason_text: null, ...over,
} as Comment);

export const conflict = (message = 'taken'): Outcome<never> => ({
  ok: false, problem: problemFrom(409, { error: { code: 'conflict', message, fields: { state: 'dates taken' } } }),
});

type Answers = { [K in keyof LibraryApi]?: (...args: Parameters<LibraryApi[K]>) => Awaited<ReturnType<LibraryApi[K]>> };

export function fakeLibraryApi(answers: Answers = {}) {
  const calls: string[] = [];
  const ok = <T>(data: T): Outcome<T> => ({ ok: true, data });
  const defaults: Required<Answers> = {
    items: (_n, q) => ok({ items: q ? [] : [ITEM] }),
    members: () => ok({ members: [{ id: 'U-OWNER', display_name: 'Anna', street: 'Gaass', house_number: null, languages: [], new_neighbour: false }] }),
    lend: (_n, body) => ok({ ...ITEM, id: 'ITEM2', name: body.name, mine: true }),
    item: () => ok(ITEM),
    // The calendar carries the item, as the API's does: the test's item when it gives one.
    calendar: (id) => {
      const item = (answers.item ?? defaults.item)(id);
      return item.ok ? ok({ ...CALENDAR, item: item.data }) : item;
    },
    updateItem: (_id, change) => ok({ ...ITEM, ...change } as Item),
    removeItem: () => ok(null),
    askLoan: (_id, start, end) => ok(loan({ id: 'LOAN2', start, end })),
    decide: (id, decision) => ok(loan({ id, role: 'owner', state: decision === 'accept' ? 'accepted' : 'declined' })),
    moveLoan: (id, state) => ok(loan({ id, state })),
    myLoans: () => ok({ as_borrower: [loan()], as_owner: [] }),
    wanted: () => ok({ wanted: [wanted()] }),
    askFor: (_n, name, description) => ok(wanted({ id: 'W2', name, description })),
    closeWanted: (_n, id) => ok(wanted({ id, state: 'closed' })),
    startPhotoUpload: () => ok({ photo_id: 'PHOTO1', upload: { url: 'http://s3.test/up', fields: { key: 'k' } }, max_bytes: 10 * 1024 * 1024 }),
    photo: () => ok({ status: 'ready', display_url: 'http://s3.test/d', thumb_url: 'http://s3.test/t', reason: null }),
    reportItem: (id, reason) => ok({ target_type: 'item', target_id: id, reason }),
    comments: () => ok({ comments: [itemComment('C1')], cursor: null }),
    comment: (id, request) => ok(itemComment('C2', { about_id: id, text: request.text, reply_to: request.reply_to ?? null, author_id: 'U-ME' })),
    removeComment: () => ok(null),
    report: (target, reason) => ok({ target_type: target.type, target_id: target.id, reason }),
  };
  const api = {} as LibraryApi;
  for (const name of Object.keys(defaults) as (keyof LibraryApi)[]) {
    const answer = (answers[name] ?? defaults[name]) as (...args: unknown[]) => unknown;
    (api as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      calls.push(`${name} ${args.filter((a) => typeof a !== 'object' || a === null).join(' ')}`.trim());
      return answer(...args);
    };
  }
  return { api, calls };
}
