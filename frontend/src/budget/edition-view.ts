import type { Locale } from '../i18n/locales';
import type { MessageKey, MessageParams } from '../i18n/translate';
import type { Category, EnvelopeResult, ProjectResult, Proposal } from './budget-api';
import { formatMoney } from './money';

/** A text given per commune language ({"lb": …, "fr": …}): mine, else French, else the first. */
export function inMyLanguage(texts: Record<string, string> | null | undefined, locale: Locale): string {
  if (!texts) return '';
  return texts[locale] || texts.fr || texts.de || texts.lb || Object.values(texts).find(Boolean) || '';
}

/** One sentence of a project's explanation: its message key and values, in the reader's words. */
export type Sentence = { key: MessageKey; params: MessageParams };

const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * A project's result in plain language, from the explanation the API computed (docs/participatory-budget.md,
 * "Explanations"): why it was funded (each supporter's payment) or not (its supporters' shares went to …).
 */
export function explain(project: ProjectResult, titles: Record<string, string>, locale: Locale): Sentence[] {
  const e = project.explanation as Record<string, unknown>;
  const reason = typeof e.reason === 'string' ? e.reason : project.funded ? 'equal_shares' : 'shares_spent';
  const sentences: Sentence[] = [];
  if (project.funded) {
    const payment = number(e.payment);
    const inFull = number(e.paying_in_full);
    if (reason === 'greedy') sentences.push({ key: 'budget.explain.fundedGreedy', params: { votes: project.votes } });
    else if (payment !== null && inFull !== null && inFull > 0)
      sentences.push({ key: 'budget.explain.fundedPaid', params: { count: inFull, payment: formatMoney(Math.round(payment), locale) } });
    else sentences.push({ key: 'budget.explain.funded', params: { votes: project.votes } });
    const allTheyHad = number(e.paying_all_they_had);
    if (allTheyHad) sentences.push({ key: 'budget.explain.allTheyHad', params: { count: allTheyHad } });
    return sentences;
  }
  if (reason === 'no_votes') return [{ key: 'budget.explain.noVotes', params: {} }];
  if (reason === 'greedy_preferred') return [{ key: 'budget.explain.greedyPreferred', params: {} }];
  if (reason === 'did_not_fit') return [{ key: 'budget.explain.didNotFit', params: {} }];
  const paidFor = e.supporters_paid_for;
  const shares = paidFor && typeof paidFor === 'object' ? Object.entries(paidFor as Record<string, unknown>) : [];
  const [first] = shares
    .map(([id, share]) => [id, number(share) ?? 0] as const)
    .sort((a, b) => b[1] - a[1]);
  if (first && first[1] > 0) {
    sentences.push({
      key: 'budget.explain.sharesSpent',
      params: { percent: Math.round(first[1] * 100), project: titles[first[0]] ?? first[0] },
    });
  } else sentences.push({ key: 'budget.explain.notEnough', params: {} });
  return sentences;
}

/** Where the rule's outcome and greedy's (most votes first) differ: the projects only one of them funds. */
export function difference(envelope: EnvelopeResult): { onlyRule: ProjectResult[]; onlyGreedy: ProjectResult[] } {
  return {
    onlyRule: envelope.projects.filter((p) => p.funded && !p.funded_by_greedy),
    onlyGreedy: envelope.projects.filter((p) => !p.funded && p.funded_by_greedy),
  };
}

/** A proposal's title by id, for explanations naming other projects. */
export function titlesOf(envelope: EnvelopeResult): Record<string, string> {
  return Object.fromEntries(envelope.projects.map((p) => [p.proposal_id, p.title]));
}

/**
 * The proposals a list shows (merged ones go, a category filters them). A proposal a moderator hid reaches only its
 * author and the budget staff (the API leaves it out for everyone else): listed for them, marked, but neither
 * counted nor on the map.
 */
export function listed(proposals: readonly Proposal[], category: Category | ''): { shown: Proposal[]; counted: number; mapped: Proposal[] } {
  const shown = proposals.filter((p) => p.status !== 'merged' && (!category || p.category === category));
  const mapped = shown.filter((p) => !p.hidden);
  return { shown, counted: mapped.length, mapped: mapped.filter((p) => p.location) };
}

/** The catalogue key of a proposal's status: once the results are published, a project on the ballot says whether
 * the vote funds it. */
export function statusKey(proposal: Pick<Proposal, 'status' | 'funded'>): MessageKey {
  if (proposal.status === 'feasible' && proposal.funded !== null && proposal.funded !== undefined) {
    return proposal.funded ? 'budget.status.funded' : 'budget.status.not_funded';
  }
  return `budget.status.${proposal.status}` as MessageKey;
}
