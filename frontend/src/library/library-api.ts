import type { ApiClient, Member } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { httpCommentsApi, type CommentsApi } from '../comments/comments-api';
import { Kept } from '../lib/kept';
import type { PhotoUploadApi } from '../lib/photo-upload.svelte';
import { badges } from '../messages/badges.svelte';
import { waitingForMe } from './loans';
import { neighbourhoodMembers } from '../neighbourhood/members';

type Schemas = components['schemas'];
export type Item = Schemas['ItemPublic'];
export type ItemCreate = Schemas['ItemCreate'];
export type ItemUpdate = Schemas['ItemUpdate'];
export type ItemCategory = Item['category'];
export type ItemCalendar = Schemas['ItemCalendar'];
export type Loan = Schemas['LoanPublic'];
export type LoanState = Loan['state'];
export type MyLoans = Schemas['MyLoans'];
export type Wanted = Schemas['WantedPublic'];
export type PhotoUploadStarted = Schemas['PhotoUploadStarted'];
export type Photo = Schemas['PhotoPublic'];
export type ReportReason = Schemas['ReportRequest']['reason'];
export type { Member };

export const CATEGORIES: readonly ItemCategory[] = [
  'tools', 'garden', 'household', 'kitchen', 'sport_leisure', 'camping', 'transport', 'children', 'other',
];

/** The calls of the lending library screens, an item's comments among them; tests pass a fake. */
export interface LibraryApi extends CommentsApi {
  items(neighbourhoodId: string, q: string, signal?: AbortSignal): Promise<Outcome<{ items: Item[] }>>;
  members(neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>>;
  lend(neighbourhoodId: string, item: ItemCreate): Promise<Outcome<Item>>;
  item(itemId: string): Promise<Outcome<Item>>;
  calendar(itemId: string, days: number): Promise<Outcome<ItemCalendar>>;
  /** Only the fields given change (a field sent as null is cleared: never send photo_id unless meant). */
  updateItem(itemId: string, change: Partial<ItemUpdate>): Promise<Outcome<Item>>;
  removeItem(itemId: string): Promise<Outcome<null>>;
  askLoan(itemId: string, start: string, end: string): Promise<Outcome<Loan>>;
  decide(loanId: string, decision: 'accept' | 'decline'): Promise<Outcome<Loan>>;
  moveLoan(loanId: string, state: 'picked_up' | 'returned' | 'cancelled'): Promise<Outcome<Loan>>;
  myLoans(): Promise<Outcome<MyLoans>>;
  wanted(neighbourhoodId: string): Promise<Outcome<{ wanted: Wanted[] }>>;
  askFor(neighbourhoodId: string, name: string, description: string): Promise<Outcome<Wanted>>;
  closeWanted(neighbourhoodId: string, wantedId: string): Promise<Outcome<Wanted>>;
  startPhotoUpload(contentType: string, size: number): Promise<Outcome<PhotoUploadStarted>>;
  photo(photoId: string): Promise<Outcome<Photo>>;
  /** A neighbour reports the item to the neighbourhood's moderators (once). */
  reportItem(itemId: string, reason: ReportReason, text: string | null): Promise<Outcome<unknown>>;
}

/** My loans, kept between the library and an item (changed by what I ask, answer, move or withdraw). */
const myLoans = new Kept<MyLoans>(30_000);

export function httpLibraryApi(client: ApiClient): LibraryApi {
  const changed = <T>(outcome: Promise<Outcome<T>>): Promise<Outcome<T>> =>
    outcome.then((answer) => {
      myLoans.forget();
      return answer;
    });
  const nbh = (id: string) => ({ path: { neighbourhood_id: id } });
  const item = (id: string) => ({ path: { item_id: id } });
  const loan = (id: string) => ({ path: { loan_id: id } });
  return {
    ...httpCommentsApi(client, 'item'),
    items: (id, q, signal) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/items', {
        params: { ...nbh(id), query: q ? { q } : {} }, cache: 'no-store', ...(signal ? { signal } : {}),
      })),
    members: (id) => neighbourhoodMembers(client, id),
    lend: (id, body) => outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/items', { params: nbh(id), body })),
    item: (id) => outcomeOf(client.GET('/api/v1/items/{item_id}', { params: item(id), cache: 'no-store' })),
    calendar: (id, days) =>
      outcomeOf(client.GET('/api/v1/items/{item_id}/calendar', { params: { ...item(id), query: { days } }, cache: 'no-store' })),
    // The generated type lists every field; the API changes only those sent.
    updateItem: (id, body) => outcomeOf(client.PATCH('/api/v1/items/{item_id}', { params: item(id), body: body as ItemUpdate })),
    removeItem: (id) => changed(emptyOutcomeOf(client.DELETE('/api/v1/items/{item_id}', { params: item(id) }))),
    askLoan: (id, start, end) => changed(outcomeOf(client.POST('/api/v1/items/{item_id}/loans', { params: item(id), body: { start, end } }))),
    decide: (id, decision) => changed(outcomeOf(client.POST('/api/v1/loans/{loan_id}/decision', { params: loan(id), body: { decision } }))),
    moveLoan: (id, state) => changed(outcomeOf(client.POST('/api/v1/loans/{loan_id}/state', { params: loan(id), body: { state } }))),
    myLoans: () =>
      myLoans.get('mine', () => outcomeOf(client.GET('/api/v1/me/loans', { cache: 'no-store' }))).then((outcome) => {
        if (outcome.ok) badges.sawLoansWaiting(waitingForMe(outcome.data));
        return outcome;
      }),
    wanted: (id) => outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/wanted', { params: nbh(id), cache: 'no-store' })),
    askFor: (id, name, description) =>
      outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/wanted', { params: nbh(id), body: { name, description } })),
    closeWanted: (id, wantedId) =>
      outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/wanted/{wanted_id}/close', {
        params: { path: { neighbourhood_id: id, wanted_id: wantedId } },
      })),
    startPhotoUpload: (contentType, size) =>
      outcomeOf(client.POST('/api/v1/uploads', {
        body: { purpose: 'item', content_type: contentType as Schemas['PhotoUploadRequest']['content_type'], size },
      })),
    photo: (id) => outcomeOf(client.GET('/api/v1/photos/{photo_id}', { params: { path: { photo_id: id } }, cache: 'no-store' })),
    reportItem: (id, reason, text) =>
      outcomeOf(client.POST('/api/v1/items/{item_id}/reports', { params: item(id), body: { reason, text } })),
  };
}

/** The library's side of the shared photo upload (lib/photo-upload.svelte.ts): photos for items. */
export function itemPhotoApi(api: LibraryApi): PhotoUploadApi {
  return { startUpload: (contentType, size) => api.startPhotoUpload(contentType, size), photo: (photoId) => api.photo(photoId) };
}
