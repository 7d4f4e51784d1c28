import type { ApiClient } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { httpCommentsApi, type CommentsApi, type ReportReason } from '../comments/comments-api';

type Schemas = components['schemas'];
export type Call = Schemas['CallPublic'];
export type CallRequest = Schemas['CallRequest'];
export type PublisherCallRequest = Schemas['PublisherCallRequest'];
export type CallSummary = Schemas['CallSummary'];
export type CallPage = Schemas['CallPage'];
export type Shift = Schemas['ShiftPublic'];
export type ShiftRequest = Schemas['ShiftRequest'];
export type CallSignUps = Schemas['CallSignUps'];
export type ShiftSignUps = Schemas['ShiftSignUps'];
export type Volunteer = Schemas['Volunteer'];
export type Attended = Schemas['Attended'];
export type MyShift = Schemas['MyShift'];
export type MyShifts = Schemas['MyShifts'];
export type PublishedCall = Schemas['PublishedCall'];
export type VolunteeringRecord = Schemas['VolunteeringRecord'];
export type CoverAsked = Schemas['CoverAsked'];
export type Pairing = Call['pairing'];
export type { ReportReason };

export const PAIRINGS: readonly Pairing[] = ['none', 'language_tandem', 'newcomer_buddy', 'digital_help_seniors'];

/** The fixed list of skills (chalicelib/volunteering/skills.py), in its order; the catalogues translate each. */
export const SKILLS = [
  'gardening', 'small_repairs', 'computer_help', 'reading_aloud', 'accompanying', 'language_lb', 'language_fr',
  'language_de', 'language_en', 'language_pt', 'homework_help', 'driving', 'cooking', 'knitting',
  'cycling_repairs', 'shopping', 'dog_walking', 'childcare', 'elderly_company', 'translation', 'paperwork',
  'moving_help', 'painting', 'sewing', 'music', 'sport_coaching', 'photography', 'first_aid', 'event_setup',
  'cleaning',
] as const satisfies readonly NonNullable<CallRequest['skills']>[number][];
export type Skill = (typeof SKILLS)[number];

/** My volunteering certificate, a PDF in `language` (the API answers its bytes to `Accept: application/pdf` only, so
 * it is fetched, then handed to the browser's "save": lib/save-file.ts). */
export function certificate(client: ApiClient, language: string): Promise<Outcome<Blob>> {
  return outcomeOf(client.GET('/api/v1/me/volunteering/certificate.pdf', {
    params: { query: { language: language as 'lb' | 'fr' | 'de' | 'en' | 'pt' } }, headers: { Accept: 'application/pdf' }, parseAs: 'blob', ...fresh,
  })) as unknown as Promise<Outcome<Blob>>;
}

/**
 * What an organiser does with a call: a resident's through their session (`/api/v1/volunteering/…`), a partner's
 * through its publisher link (`/api/v1/publish/volunteering/…`). The same answers either way.
 */
export interface OrganiserApi {
  signUps(callId: string): Promise<Outcome<CallSignUps>>;
  cancelCall(callId: string): Promise<Outcome<Call>>;
  cancelShift(callId: string, shiftId: string): Promise<Outcome<Call>>;
  moveShift(callId: string, shiftId: string, start: string, end: string): Promise<Outcome<Call>>;
  confirm(callId: string, shiftId: string, people: Attended[]): Promise<Outcome<CallSignUps>>;
  /** Ask Noper to write to a few free neighbours with a wanted skill: a count comes back, never who. */
  findCover(callId: string, shiftId: string): Promise<Outcome<CoverAsked>>;
}

/** The calls of the volunteering screens, a call's comments among them; tests pass a fake. */
export interface VolunteeringApi extends CommentsApi, OrganiserApi {
  calls(neighbourhoodId: string, cursor?: string): Promise<Outcome<CallPage>>;
  call(callId: string): Promise<Outcome<Call>>;
  publish(neighbourhoodId: string, body: CallRequest): Promise<Outcome<Call>>;
  signUp(callId: string, shiftId: string): Promise<Outcome<MyShift>>;
  withdraw(callId: string, shiftId: string): Promise<Outcome<null>>;
  reportCall(callId: string, reason: ReportReason, text: string | null): Promise<Outcome<unknown>>;
  myShifts(): Promise<Outcome<MyShifts>>;
  record(): Promise<Outcome<VolunteeringRecord>>;
  /** The calls I published, newest first, those over included (their page is where I confirm who came). */
  myCalls(): Promise<Outcome<Schemas['OrganisedCalls']>>;
}

const fresh = { cache: 'no-store' as const };
const onCall = (id: string) => ({ path: { call_id: id } });
const onShift = (id: string, shiftId: string) => ({ path: { call_id: id, shift_id: shiftId } });

export function httpVolunteeringApi(client: ApiClient): VolunteeringApi {
  return {
    ...httpCommentsApi(client, 'call'),
    calls: (id, cursor) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/volunteering', {
        params: { path: { neighbourhood_id: id }, query: cursor ? { cursor } : {} }, ...fresh,
      })),
    call: (id) => outcomeOf(client.GET('/api/v1/volunteering/{call_id}', { params: onCall(id), ...fresh })),
    publish: (id, body) => outcomeOf(client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/volunteering', { params: { path: { neighbourhood_id: id } }, body })),
    signUp: (id, shift) => outcomeOf(client.POST('/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up', { params: onShift(id, shift) })),
    withdraw: (id, shift) => emptyOutcomeOf(client.DELETE('/api/v1/volunteering/{call_id}/shifts/{shift_id}/sign-up', { params: onShift(id, shift) })),
    reportCall: (id, reason, text) =>
      outcomeOf(client.POST('/api/v1/volunteering/{call_id}/reports', { params: onCall(id), body: { reason, text: text || null } })),
    myShifts: () => outcomeOf(client.GET('/api/v1/me/shifts', fresh)),
    record: () => outcomeOf(client.GET('/api/v1/me/volunteering/record', fresh)),
    myCalls: () => outcomeOf(client.GET('/api/v1/me/calls', fresh)),
    signUps: (id) => outcomeOf(client.GET('/api/v1/volunteering/{call_id}/sign-ups', { params: onCall(id), ...fresh })),
    cancelCall: (id) => outcomeOf(client.POST('/api/v1/volunteering/{call_id}/cancel', { params: onCall(id) })),
    cancelShift: (id, shift) => outcomeOf(client.POST('/api/v1/volunteering/{call_id}/shifts/{shift_id}/cancel', { params: onShift(id, shift) })),
    moveShift: (id, shift, start, end) =>
      outcomeOf(client.POST('/api/v1/volunteering/{call_id}/shifts/{shift_id}/move', { params: onShift(id, shift), body: { start, end } })),
    confirm: (id, shift, people) =>
      outcomeOf(client.POST('/api/v1/volunteering/{call_id}/shifts/{shift_id}/attendance', { params: onShift(id, shift), body: { people } })),
    findCover: (id, shift) => outcomeOf(client.POST('/api/v1/volunteering/{call_id}/shifts/{shift_id}/find-cover', { params: onShift(id, shift) })),
  };
}

/** A publisher's calls through its link (the client carries the link: publish/publish-api.ts linkClient). */
export interface PublisherCallsApi extends OrganiserApi {
  /** The link's publisher's calls, newest first: each call's own counts, no shifts (its sign-ups: `signUps`). */
  publishedCalls(): Promise<Outcome<Schemas['PublishedCalls']>>;
  publishCall(body: PublisherCallRequest): Promise<Outcome<Call>>;
}

export function httpPublisherCallsApi(client: ApiClient): PublisherCallsApi {
  return {
    publishedCalls: () => outcomeOf(client.GET('/api/v1/publish/volunteering', fresh)),
    publishCall: (body) => outcomeOf(client.POST('/api/v1/publish/volunteering', { body })),
    signUps: (id) => outcomeOf(client.GET('/api/v1/publish/volunteering/{call_id}/sign-ups', { params: onCall(id), ...fresh })),
    cancelCall: (id) => outcomeOf(client.POST('/api/v1/publish/volunteering/{call_id}/cancel', { params: onCall(id) })),
    cancelShift: (id, shift) => outcomeOf(client.POST('/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/cancel', { params: onShift(id, shift) })),
    moveShift: (id, shift, start, end) =>
      outcomeOf(client.POST('/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/move', { params: onShift(id, shift), body: { start, end } })),
    confirm: (id, shift, people) =>
      outcomeOf(client.POST('/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/attendance', { params: onShift(id, shift), body: { people } })),
    findCover: (id, shift) => outcomeOf(client.POST('/api/v1/publish/volunteering/{call_id}/shifts/{shift_id}/find-cover', { params: onShift(id, shift) })),
  };
}
