import type { Outcome } from '../api/outcome';
import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import { CommentThread } from '../comments/comment-thread.svelte';
import type { DayRange } from './calendar';
import { DateRangePicker } from './date-range.svelte';
import type { Item, ItemCalendar, ItemUpdate, LibraryApi, Loan, ReportReason } from './library-api';
import { loanCall } from './library.svelte';
import { sortLoans, withLoan, type LoanAction } from './loans';

/** Six weeks ahead: enough to plan a loan, one small Query on the server. */
export const CALENDAR_DAYS = 42;
/** The API keeps at most this many ranges of days the owner does not lend (MAX_BLOCKED_RANGES). */
export const MAX_BLOCKED_RANGES = 20;

export type ItemNews =
  | { kind: 'requested'; start: string; end: string }
  | { kind: 'loan'; action: LoanAction }
  | { kind: 'saved' }
  | { kind: 'blocked'; start: string; end: string }
  | { kind: 'unblocked'; start: string; end: string }
  | { kind: 'reported' | 'commented' | 'commentRemoved' }
  | { kind: 'failed'; problem: ApiProblem };

/**
 * One lent thing: its details and calendar, asking to borrow it for dates; for its owner, the
 * requests to answer, the loans to move on, editing and withdrawing it.
 */
export class ItemPage {
  item: Loading<Item> = $state({ state: 'loading' });
  /** My loans of this item: as its owner, every request; as a neighbour, my own requests. */
  loans: Loan[] = $state([]);
  picker: DateRangePicker;
  calendarProblem: ApiProblem | null = $state(null);
  askProblem: ApiProblem | null = $state(null);
  editProblem: ApiProblem | null = $state(null);
  busy: string | null = $state(null);
  news: ItemNews | null = $state(null);
  removed = $state(false);
  names: Record<string, string> = $state({});
  /** Its comments (the same thread as a post's: comments/comment-thread.svelte.ts), asked for once they come into
   * view, below the calendar: a look at the item costs one call (tests/browser/calls-per-screen.test.mjs). */
  readonly discussion: CommentThread;

  readonly id: string;
  readonly #api: LibraryApi;

  constructor(api: LibraryApi, id: string, today: string) {
    this.#api = api;
    this.id = id;
    this.picker = new DateRangePicker(today);
    this.discussion = new CommentThread(api, id, { told: (kind) => (this.news = { kind }) });
  }

  /** The calendar answer carries the item: one call for both (the item alone when the calendar failed, for its problem). */
  async load(): Promise<void> {
    const [calendar] = await Promise.all([this.loadCalendar(), this.loadLoans()]);
    const item = calendar.ok ? { ok: true as const, data: calendar.data.item } : await this.#api.item(this.id);
    this.item = item.ok ? { state: 'ready', value: item.data } : { state: 'failed', problem: item.problem };
    if (item.ok) {
      const members = await this.#api.members(item.data.neighbourhood_id);
      if (members.ok) {
        this.names = Object.fromEntries(members.data.members.map((m) => [m.id, m.display_name]));
        this.discussion.members = members.data.members;
      }
    }
  }

  nameOf(userId: string | null | undefined): string | null {
    return (userId && this.names[userId]) || null;
  }

  async loadCalendar(): Promise<Outcome<ItemCalendar>> {
    const answer = await this.#api.calendar(this.id, CALENDAR_DAYS);
    if (answer.ok) {
      this.calendarProblem = null;
      this.picker.show({
        start: answer.data.start,
        end: answer.data.end,
        taken: answer.data.taken,
        blocked: answer.data.blocked,
        available: answer.data.available,
      });
    } else {
      this.calendarProblem = answer.problem;
    }
    return answer;
  }

  async loadLoans(): Promise<void> {
    const answer = await this.#api.myLoans();
    if (!answer.ok) return; // the item shows without them; acting on a loan reports its own problem
    const mine = [...answer.data.as_owner, ...answer.data.as_borrower].filter((loan) => loan.item_id === this.id);
    this.loans = sortLoans(mine);
  }

  get mine(): boolean {
    return this.item.state === 'ready' && this.item.value.mine;
  }

  /** Asks the owner to lend the item on the chosen dates. */
  async ask(): Promise<boolean> {
    const { start, end } = this.picker;
    if (this.busy || !this.picker.complete) return false;
    this.busy = 'ask';
    this.askProblem = null;
    const answer = await this.#api.askLoan(this.id, start, end);
    this.busy = null;
    if (!answer.ok) {
      this.askProblem = answer.problem;
      if (answer.problem.kind === 'conflict') await this.loadCalendar(); // the days were taken meanwhile
      return false;
    }
    this.news = { kind: 'requested', start, end };
    this.loans = sortLoans([answer.data, ...this.loans]);
    this.picker.clear();
    return true;
  }

  async act(loan: Loan, action: LoanAction): Promise<void> {
    if (this.busy) return;
    this.busy = loan.id;
    const answer = await loanCall(this.#api, loan, action);
    this.busy = null;
    if (!answer.ok) {
      this.news = { kind: 'failed', problem: answer.problem };
      if (answer.problem.kind === 'conflict') await Promise.all([this.loadLoans(), this.loadCalendar()]);
      return;
    }
    this.news = { kind: 'loan', action };
    this.loans = sortLoans(withLoan(this.loans, answer.data));
    if (action === 'accept' || action === 'returned') await this.loadCalendar();
  }

  async edit(change: Partial<ItemUpdate>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'edit';
    this.editProblem = null;
    const answer = await this.#api.updateItem(this.id, change);
    this.busy = null;
    if (!answer.ok) {
      this.editProblem = answer.problem;
      return false;
    }
    this.item = { state: 'ready', value: answer.data };
    this.news = { kind: 'saved' };
    await this.loadCalendar(); // availability may have changed
    return true;
  }

  /** The owner does not lend the item on the days chosen in the calendar. */
  async block(): Promise<boolean> {
    const item = this.item.state === 'ready' ? this.item.value : null;
    const { start, end } = this.picker;
    if (!item || !this.picker.complete) return false;
    const blocked = [...item.blocked, { start, end }];
    if (!(await this.edit({ blocked }))) return false;
    this.news = { kind: 'blocked', start, end };
    this.picker.clear();
    return true;
  }

  async unblock(range: DayRange): Promise<boolean> {
    const item = this.item.state === 'ready' ? this.item.value : null;
    if (!item) return false;
    const blocked = item.blocked.filter((r) => r.start !== range.start || r.end !== range.end);
    if (!(await this.edit({ blocked }))) return false;
    this.news = { kind: 'unblocked', start: range.start, end: range.end };
    return true;
  }

  /** A neighbour reports the item to the neighbourhood's moderators; a second report is refused (409). */
  async report(reason: ReportReason, text: string): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'report';
    const answer = await this.#api.reportItem(this.id, reason, text.trim() || null);
    this.busy = null;
    this.news = answer.ok ? { kind: 'reported' } : { kind: 'failed', problem: answer.problem };
    return answer.ok;
  }

  /** Stops lending the item; refused (409) while a loan of it is accepted or picked up. */
  async withdraw(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = 'withdraw';
    this.editProblem = null;
    const answer = await this.#api.removeItem(this.id);
    this.busy = null;
    if (!answer.ok) {
      this.editProblem = answer.problem;
      return false;
    }
    this.removed = true;
    return true;
  }
}
