import type { Loan, MyLoans } from './library-api';

/** What the reader may do next with a loan, as the API allows it (chalicelib/lending/loans.py TRANSITIONS). */
export type LoanAction = 'accept' | 'decline' | 'picked_up' | 'returned' | 'cancelled';

export function loanActions(loan: Loan): LoanAction[] {
  if (loan.role === 'owner') {
    if (loan.state === 'requested') return ['accept', 'decline'];
    if (loan.state === 'accepted') return ['picked_up'];
    if (loan.state === 'picked_up') return ['returned'];
  }
  if (loan.role === 'borrower' && loan.state === 'requested') return ['cancelled'];
  return [];
}

/** Still going on (not declined, cancelled or returned). */
export const isOpen = (loan: Loan): boolean => loan.state === 'requested' || loan.state === 'accepted' || loan.state === 'picked_up';

/** Open loans first (overdue, then requests waiting, then by start), finished ones after, newest first. */
export function sortLoans(loans: Loan[]): Loan[] {
  const rank = (loan: Loan): number => (loan.overdue ? 0 : loan.state === 'requested' ? 1 : isOpen(loan) ? 2 : 3);
  return [...loans].sort((a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    if (rank(a) === 3) return b.start.localeCompare(a.start);
    return a.start.localeCompare(b.start) || a.id.localeCompare(b.id);
  });
}

/** Replaces one loan in a list by its new state from the API. */
export const withLoan = (loans: Loan[], changed: Loan): Loan[] => loans.map((loan) => (loan.id === changed.id ? changed : loan));

/** Requests of my things still waiting for my answer (the library's count and the header's loans badge). */
export const waitingForMe = (loans: MyLoans): number => loans.as_owner.filter((loan) => loan.state === 'requested').length;
