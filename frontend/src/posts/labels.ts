import { intlLocale } from '../i18n/format';
import { i18n } from '../i18n/index.svelte';
import type { MessageKey } from '../i18n/translate';
import { authorOf, type Authored } from './post-view';
import type { Kind, Post, ReportReason, Trade } from './posts-api';

// Translated labels of the post screens (the `life` area of the catalogues).

export const kindLabel = (kind: Kind): string => i18n.t(`life.kind.${kind}` as MessageKey);
export const stateLabel = (state: string): string => i18n.t(`life.state.${state}` as MessageKey);
export const tradeLabel = (trade: Trade | string): string => i18n.t(`life.trade.${trade}` as MessageKey);
export const reasonLabel = (reason: ReportReason): string => i18n.t(`life.reason.${reason}` as MessageKey);

/** "26 Nov 2026, 14:05" in the reader's language. */
export function when(iso: string): string {
  return new Intl.DateTimeFormat(intlLocale(i18n.current), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function authorLabel(item: Authored, names: ReadonlyMap<string, string>, nearby: boolean): string {
  const author = authorOf(item, names, nearby);
  if ('name' in author) return author.name;
  return i18n.t(`life.author.${author.unknown}` as MessageKey);
}

/** Why a post (or comment) is hidden: the API's sentence in the reader's language when it sends one. */
export function hiddenText(item: Pick<Post, 'hidden_reason'> & { hidden_reason_text?: string | null }): string {
  return item.hidden_reason_text || i18n.t('life.hidden', { reason: item.hidden_reason ?? '' });
}
