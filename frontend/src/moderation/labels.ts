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
