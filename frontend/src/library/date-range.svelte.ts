import {
  dayState, isMoveKey, moveFocus, rangeProblem, type CalendarData, type IsoDay, type RangeProblem,
} from './calendar';

/** What the last pick did, for the grid's live region. */
export type PickNews =
  | { kind: 'start'; day: IsoDay }
  | { kind: 'range'; start: IsoDay; end: IsoDay }
  | { kind: 'notFree'; day: IsoDay; state: string };

/**
 * Choosing the dates of a loan in the calendar grid or in two date inputs: the first pick is the
 * start, the second the end (a day before the start starts again), a third starts a new range.
 */
export class DateRangePicker {
  start: IsoDay = $state('');
  end: IsoDay = $state('');
  focused: IsoDay = $state('');
  news: PickNews | null = $state(null);
  data: CalendarData | null = $state(null);
  today: IsoDay;

  constructor(today: IsoDay) {
    this.today = today;
    this.focused = today;
  }

  /** The calendar arrived: focus starts on its first day that can be asked for. */
  show(data: CalendarData): void {
    this.data = data;
    if (this.focused < data.start || this.focused > data.end) this.focused = data.start < this.today ? this.today : data.start;
  }

  get problem(): RangeProblem | null {
    if (!this.start || !this.end) return null;
    return rangeProblem(this.start, this.end, this.data, this.today);
  }

  get complete(): boolean {
    return Boolean(this.start && this.end) && this.problem === null;
  }

  /** Whether the day lies in the chosen range (both ends included). */
  chosen(day: IsoDay): boolean {
    if (!this.start) return false;
    if (!this.end) return day === this.start;
    return this.start <= day && day <= this.end;
  }

  pick(day: IsoDay): void {
    this.focused = day;
    const state = this.data ? dayState(day, this.data, this.today) : day < this.today ? 'past' : 'free';
    if (state !== 'free') {
      this.news = { kind: 'notFree', day, state };
      return;
    }
    if (!this.start || this.end || day < this.start) {
      this.start = day;
      this.end = '';
      this.news = { kind: 'start', day };
      return;
    }
    this.end = day;
    this.news = { kind: 'range', start: this.start, end: day };
  }

  /** A key pressed on a day of the grid; true when the grid handled it (the caller prevents the default). */
  key(key: string): boolean {
    if (key === 'Enter' || key === ' ') {
      this.pick(this.focused);
      return true;
    }
    if (!isMoveKey(key) || !this.data) return false;
    this.focused = moveFocus(this.focused, key, this.data.start, this.data.end);
    return true;
  }

  /** From the plain date inputs (an empty value clears that end). */
  setStart(value: string): void {
    this.start = value;
    if (value && this.data && value >= this.data.start && value <= this.data.end) this.focused = value;
  }

  setEnd(value: string): void {
    this.end = value;
  }

  clear(): void {
    this.start = '';
    this.end = '';
    this.news = null;
  }
}
