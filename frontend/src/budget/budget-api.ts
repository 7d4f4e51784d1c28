import type { ApiClient } from '../api/client';
import { emptyOutcomeOf, outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import type { CommentsApi, ReportReason } from '../comments/comments-api';
import { httpCommentsApi } from '../comments/comments-api';
import type { Photo, PhotoUploadApi } from '../lib/photo-upload.svelte';

type Schemas = components['schemas'];
export type Edition = Schemas['EditionPublic'];
export type EditionRequest = Schemas['EditionRequest'];
export type EditionEdit = Schemas['EditionEdit'];
export type Proposal = Schemas['ProposalPublic'];
export type ProposalRequest = Schemas['BudgetProposalRequest'];
export type MyBallot = Schemas['MyBallot'];
export type Results = Schemas['ResultsPublic'];
export type EnvelopeResult = Schemas['EnvelopeResult'];
export type ProjectResult = Schemas['ProjectResult'];
export type BallotRules = Schemas['BallotRules'];
export type Phase = Edition['phase'];
export type Category = ProposalRequest['category'];
export type ReviewDecision = Schemas['ReviewDecision'];
export type ImplementationState = Schemas['ImplementationRequest']['state'];

/** The phases in their order (chalicelib/budget/editions.py); staff move an edition to the next one. */
export const PHASES = ['proposals', 'review', 'voting', 'results', 'implementation'] as const satisfies readonly Phase[];
/** The fixed list of categories (chalicelib/budget/proposals.py), in its order. */
export const CATEGORIES = [
  'environment', 'mobility', 'culture', 'sport', 'education', 'social', 'health', 'safety', 'public_space', 'other',
] as const satisfies readonly Category[];
export const IMPLEMENTATION_STATES = ['planned', 'in_progress', 'done'] as const satisfies readonly ImplementationState[];

/** The phase after `phase`, or null after the last. */
export function nextPhase(phase: Phase): Phase | null {
  const index = PHASES.indexOf(phase as (typeof PHASES)[number]);
  return index >= 0 && index + 1 < PHASES.length ? PHASES[index + 1]! : null;
}

/** Where one edition is: its commune and id. */
export type EditionRef = { lau2: string; editionId: string };

/** The API path of an edition (the CSV and .pb downloads are plain links). */
export const editionPath = (ref: EditionRef): string =>
  `/api/v1/communes/${encodeURIComponent(ref.lau2)}/budgets/${encodeURIComponent(ref.editionId)}`;
/** The app's address of an edition, and of one of its proposals. */
export const editionHref = (ref: EditionRef): string => `/communes/${encodeURIComponent(ref.lau2)}/budgets/${encodeURIComponent(ref.editionId)}`;
export const proposalHref = (ref: EditionRef, proposalId: string): string => `${editionHref(ref)}/proposals/${encodeURIComponent(proposalId)}`;

/** The residents' calls of the budget screens (a proposal's comments among them); tests pass a fake. */
export interface BudgetApi extends CommentsApi, PhotoUploadApi {
  editions(lau2: string): Promise<Outcome<{ editions: Edition[] }>>;
  edition(ref: EditionRef): Promise<Outcome<Edition>>;
  proposals(ref: EditionRef): Promise<Outcome<{ proposals: Proposal[] }>>;
  proposal(ref: EditionRef, proposalId: string): Promise<Outcome<Proposal>>;
  /** A photo of a proposal (its proposer's or its progress'), read as the proposal is. */
  proposalPhoto(ref: EditionRef, proposalId: string, photoId: string): Promise<Outcome<Photo>>;
  propose(ref: EditionRef, body: ProposalRequest): Promise<Outcome<Proposal>>;
  support(ref: EditionRef, proposalId: string): Promise<Outcome<Schemas['Support']>>;
  /** Report the proposal itself to the moderators of its proposer's neighbourhood (its comments: `report`). */
  reportProposal(ref: EditionRef, proposalId: string, reason: ReportReason, text: string | null): Promise<Outcome<unknown>>;
  startDocument(ref: EditionRef, proposalId: string, file: { name: string; size: number }): Promise<Outcome<Schemas['ProposalDocumentStarted']>>;
  documentLink(ref: EditionRef, proposalId: string): Promise<Outcome<Schemas['ProposalDocumentLink']>>;
  ballot(ref: EditionRef): Promise<Outcome<MyBallot>>;
  vote(ref: EditionRef, choices: Record<string, number>): Promise<Outcome<MyBallot>>;
  results(ref: EditionRef): Promise<Outcome<Results>>;
}

const fresh = { cache: 'no-store' as const };
const onEdition = (ref: EditionRef) => ({ path: { lau2: ref.lau2, edition_id: ref.editionId } });
const onProposal = (ref: EditionRef, id: string) => ({ path: { lau2: ref.lau2, edition_id: ref.editionId, proposal_id: id } });

export function httpBudgetApi(client: ApiClient, ref: EditionRef | null = null): BudgetApi {
  // A proposal's comments (kind budget_proposal) live under its edition; removing and reporting are the shared ones.
  const shared = httpCommentsApi(client, 'post');
  const at = (): EditionRef => ref ?? { lau2: '', editionId: '' };
  return {
    comments: (id, cursor) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/comments', {
        params: { ...onProposal(at(), id), query: cursor ? { cursor } : {} }, ...fresh,
      })),
    comment: (id, body) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/comments', { params: onProposal(at(), id), body })),
    removeComment: shared.removeComment,
    report: shared.report,
    startUpload: (contentType, size) => outcomeOf(client.POST('/api/v1/uploads', { body: { purpose: 'proposal', content_type: contentType, size } })),
    photo: (id) => outcomeOf(client.GET('/api/v1/photos/{photo_id}', { params: { path: { photo_id: id } }, ...fresh })),
    proposalPhoto: (r, id, photoId) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/photos/{photo_id}', {
        params: { path: { ...onProposal(r, id).path, photo_id: photoId } }, ...fresh,
      })),
    editions: (lau2) => outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets', { params: { path: { lau2 } }, ...fresh })),
    edition: (r) => outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}', { params: onEdition(r), ...fresh })),
    proposals: (r) => outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals', { params: onEdition(r), ...fresh })),
    proposal: (r, id) => outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}', { params: onProposal(r, id), ...fresh })),
    propose: (r, body) => outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals', { params: onEdition(r), body })),
    support: (r, id) => outcomeOf(client.PUT('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/support', { params: onProposal(r, id) })),
    reportProposal: (r, id, reason, text) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/reports', {
        params: onProposal(r, id), body: { reason, text: text || null },
      })),
    startDocument: (r, id, file) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/document', {
        params: onProposal(r, id), body: { name: file.name, content_type: 'application/pdf', size: file.size },
      })),
    documentLink: (r, id) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/document', { params: onProposal(r, id), ...fresh })),
    ballot: (r) => outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/ballot', { params: onEdition(r), ...fresh })),
    vote: (r, choices) => outcomeOf(client.PUT('/api/v1/communes/{lau2}/budgets/{edition_id}/ballot', { params: onEdition(r), body: { choices } })),
    results: (r) => outcomeOf(client.GET('/api/v1/communes/{lau2}/budgets/{edition_id}/results', { params: onEdition(r), ...fresh })),
  };
}

/** The staff's calls (the admin area's budget section); tests pass a fake. */
export interface BudgetAdminApi {
  editions(lau2: string): Promise<Outcome<{ editions: Edition[] }>>;
  create(lau2: string, body: EditionRequest): Promise<Outcome<Edition>>;
  update(ref: EditionRef, body: EditionEdit): Promise<Outcome<Edition>>;
  movePhase(ref: EditionRef, phase: Phase, version: number): Promise<Outcome<Edition>>;
  proposals(ref: EditionRef): Promise<Outcome<{ proposals: Proposal[] }>>;
  review(ref: EditionRef, proposalId: string, decision: ReviewDecision): Promise<Outcome<Proposal>>;
  merge(ref: EditionRef, proposalId: string, into: string, reason: string): Promise<Outcome<Proposal>>;
  paperCards(ref: EditionRef, userIds: string[], addressIds: string[], language: string): Promise<Outcome<Blob>>;
  paperBallot(ref: EditionRef, code: string, choices: Record<string, number>): Promise<Outcome<unknown>>;
  results(ref: EditionRef): Promise<Outcome<Results>>;
  publish(ref: EditionRef, version: number): Promise<Outcome<unknown>>;
  implementation(ref: EditionRef, proposalId: string, state: ImplementationState, note: string, photoId: string | null): Promise<Outcome<Proposal>>;
  /** Where staff upload a funded project's progress photo (the commune's, not theirs). */
  progressPhotos(ref: EditionRef, proposalId: string): PhotoUploadApi;
}

export function httpBudgetAdminApi(client: ApiClient): BudgetAdminApi {
  const api = httpBudgetApi(client);
  return {
    editions: api.editions,
    proposals: api.proposals,
    results: api.results,
    create: (lau2, body) => outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets', { params: { path: { lau2 } }, body })),
    update: (r, body) => outcomeOf(client.PUT('/api/v1/communes/{lau2}/budgets/{edition_id}', { params: onEdition(r), body })),
    movePhase: (r, phase, version) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/phase', { params: onEdition(r), body: { phase, version } })),
    review: (r, id, body) => outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/review', { params: onProposal(r, id), body })),
    merge: (r, id, into, reason) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/merge', { params: onProposal(r, id), body: { into, reason } })),
    paperCards: (r, userIds, addressIds, language) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/paper-cards', {
        params: onEdition(r), body: { user_ids: userIds, address_ids: addressIds, language: language as 'lb' }, headers: { Accept: 'application/pdf' }, parseAs: 'blob',
      })) as unknown as Promise<Outcome<Blob>>,
    paperBallot: (r, code, choices) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/paper-ballots', { params: onEdition(r), body: { code, choices } })),
    publish: (r, version) => outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/results/publish', { params: onEdition(r), body: { version } })),
    implementation: (r, id, state, note, photoId) =>
      outcomeOf(client.PUT('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/implementation', { params: onProposal(r, id), body: { state, note, photo_id: photoId } })),
    progressPhotos: (r, id) => ({
      startUpload: (contentType, size) =>
        outcomeOf(client.POST('/api/v1/communes/{lau2}/budgets/{edition_id}/proposals/{proposal_id}/photos', {
          params: onProposal(r, id), body: { purpose: 'proposal', content_type: contentType, size },
        })),
      photo: (photoId) => api.proposalPhoto(r, id, photoId),
    }),
  };
}

void emptyOutcomeOf;
