import { i18n } from '../i18n/index.svelte';
import type { MessageKey } from '../i18n/translate';

const REASON_CODES = new Set([
  'spam',
  'harassment',
  'hate',
  'misinformation',
  'commercial',
  'personal_data',
  'off_topic',
  'other',
  'reported',
]);

/** A reason code in the reader's language; text a moderator or author wrote stays as written. */
export function reasonLabel(code: string): string {
  return REASON_CODES.has(code) ? i18n.t(`moderation.reason.${code}` as MessageKey) : code;
}

export function isReasonCode(value: string | null): boolean {
  return value !== null && REASON_CODES.has(value);
}

/**
 * Where a reported budget proposal (or the proposal a reported comment is on) is read: its piece id is
 * `<edition id>.<proposal id>` and its commune the queue's (a neighbourhood id starts with its commune's LAU2 code).
 */
export function budgetProposalHref(neighbourhoodId: string, pieceId: string): string | null {
  const [editionId, proposalId, ...rest] = pieceId.split('.');
  const lau2 = neighbourhoodId.split('-', 1)[0];
  if (!editionId || !proposalId || rest.length || !lau2) return null;
  return `/communes/${encodeURIComponent(lau2)}/budgets/${encodeURIComponent(editionId)}/proposals/${encodeURIComponent(proposalId)}`;
}
