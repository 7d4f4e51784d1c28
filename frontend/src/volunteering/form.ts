import type { ApiProblem } from '../api/problem';
import type { Attended, Call, CallRequest, Pairing, PublishedCall, Shift, ShiftSignUps, Skill } from './volunteering-api';

/** The most shifts a call takes (chalicelib/volunteering/models.py MAX_SHIFTS), and the most people per shift. */
export const MAX_SHIFTS = 50;
export const MAX_NEEDED = 100;

/** One row of the form's shifts: a role at a time, with how many people it needs. Times are Luxembourg
 * wall-clock times as a datetime-local input holds them (`2027-05-16T08:00`), which the API reads as such. */
export interface ShiftRow {
  /** The row's key on screen (rows come and go). */
  key: number;
  role: string;
  start: string;
  end: string;
  /** A number input's value: a number, null or '' when empty. */
  needed: string | number | null;
}

/** The call form's answers, as its inputs hold them. */
export interface CallFields {
  title: string;
  what: string;
  why: string;
  place: string;
  eventId: string;
  skills: Skill[];
  minAgeNote: string;
  pairing: Pairing;
  shifts: ShiftRow[];
}

let rowKeys = 0;
export const emptyShift = (): ShiftRow => ({ key: ++rowKeys, role: '', start: '', end: '', needed: 1 });

export const emptyCallFields = (): CallFields => ({
  title: '', what: '', why: '', place: '', eventId: '', skills: [], minAgeNote: '', pairing: 'none', shifts: [emptyShift()],
});

/** A new row after the others, starting where the last one ended (a set-up, then a stall, then a clean-up). */
export function addShift(rows: readonly ShiftRow[]): ShiftRow[] {
  if (rows.length >= MAX_SHIFTS) return [...rows];
  const last = rows[rows.length - 1];
  return [...rows, { ...emptyShift(), start: last?.end ?? '', needed: 1 }];
}

/** The rows without `key`; a call keeps at least one. */
export function removeShift(rows: readonly ShiftRow[], key: number): ShiftRow[] {
  if (rows.length <= 1) return [...rows];
  return rows.filter((row) => row.key !== key);
}

/** A field the form checks before sending (the API checks everything again and names its field). */
export type FormProblem = 'required' | 'endBeforeStart' | 'tooLong' | 'needed' | 'tooMany';

const neededText = (row: ShiftRow): string => String(row.needed ?? '').trim();
const DAY_MS = 24 * 3600 * 1000;

/** What the form finds wrong before sending, by the API's field names (`shifts.1.end`). */
export function formProblems(fields: CallFields): Record<string, FormProblem> {
  const problems: Record<string, FormProblem> = {};
  if (!fields.title.trim()) problems.title = 'required';
  if (fields.shifts.length === 0) problems.shifts = 'required';
  if (fields.shifts.length > MAX_SHIFTS) problems.shifts = 'tooMany';
  fields.shifts.forEach((row, index) => {
    const at = `shifts.${index}`;
    if (!row.role.trim()) problems[`${at}.role`] = 'required';
    if (!row.start) problems[`${at}.start`] = 'required';
    if (!row.end) problems[`${at}.end`] = 'required';
    else if (row.start && row.end <= row.start) problems[`${at}.end`] = 'endBeforeStart';
    else if (row.start && Date.parse(`${row.end}:00Z`) - Date.parse(`${row.start}:00Z`) > DAY_MS) problems[`${at}.end`] = 'tooLong';
    const needed = Number(neededText(row));
    if (!neededText(row) || !Number.isInteger(needed) || needed < 1 || needed > MAX_NEEDED) problems[`${at}.needed`] = 'needed';
  });
  return problems;
}

/** The API's body for the form's answers. */
export function bodyOf(fields: CallFields): CallRequest {
  return {
    title: fields.title.trim(),
    what: fields.what.trim(),
    why: fields.why.trim(),
    place: fields.place.trim() || null,
    address_id: null,
    point: null,
    event_id: fields.eventId || null,
    skills: [...fields.skills],
    min_age_note: fields.minAgeNote.trim() || null,
    pairing: fields.pairing,
    shifts: fields.shifts.map((row) => ({ role: row.role.trim(), start: row.start, end: row.end, needed: Number(neededText(row)) })),
  };
}

/** The order of the fields on the screen: the first one in error takes the focus. */
export const FIELD_ORDER = ['title', 'what', 'why', 'place', 'event_id', 'skills', 'min_age_note', 'pairing', 'shifts'] as const;

/** The element id of a field the API or the form names (`shifts.1.end` → `call-shifts-1-end`). */
export const fieldId = (name: string): string => `call-${name.replaceAll('.', '-').replaceAll('_', '-')}`;

/** The first field in error, in the order of the screen (a shift's fields in their rows' order). */
export function firstField(errors: Record<string, unknown>): string | null {
  const names = Object.keys(errors);
  for (const field of FIELD_ORDER) {
    if (field !== 'shifts') {
      if (names.includes(field)) return field;
      continue;
    }
    const inShifts = names
      .filter((name) => name.startsWith('shifts.'))
      .sort((a, b) => {
        const [, ai = '0'] = a.split('.');
        const [, bi = '0'] = b.split('.');
        return Number(ai) - Number(bi) || shiftFieldRank(a) - shiftFieldRank(b);
      });
    if (inShifts[0]) return inShifts[0];
    if (names.includes('shifts')) return 'shifts';
  }
  return null;
}

const SHIFT_FIELDS = ['role', 'start', 'end', 'needed'];
const shiftFieldRank = (name: string): number => SHIFT_FIELDS.indexOf(name.split('.')[2] ?? '');

/** Why a sign-up (or a withdrawal, or a confirmation) was refused, as the API's 409 codes name it; null for any
 * other problem (shown as it is). The catalogue's `volunteering.refused.<reason>` says it in words. */
export type Refusal = 'shift_full' | 'shift_clash' | 'shift_started' | 'shift_ended' | 'shift_cancelled' | 'already_signed_up' | 'shift_not_ended' | 'already_confirmed' | 'cover_asked_recently' | 'call_not_open';
const REFUSALS: readonly Refusal[] = ['shift_full', 'shift_clash', 'shift_started', 'shift_ended', 'shift_cancelled', 'already_signed_up', 'shift_not_ended', 'already_confirmed', 'cover_asked_recently', 'call_not_open'];

export function refusalOf(problem: ApiProblem): Refusal | null {
  return problem.status === 409 && (REFUSALS as readonly string[]).includes(problem.code) ? (problem.code as Refusal) : null;
}

/** Why I cannot sign up for a shift, as the call's answer says (`mine`), in the refusals' words; null when I can
 * (or I am signed up). */
export function shiftBar(mine: Shift['mine']): Refusal | null {
  const bars: Partial<Record<Shift['mine'], Refusal>> = {
    full: 'shift_full', clash: 'shift_clash', started: 'shift_started', ended: 'shift_ended', cancelled: 'shift_cancelled',
  };
  return bars[mine] ?? null;
}

/** One row of "confirm who came": a volunteer, whether they came and their hours (a number input's value). */
export interface AttendanceRow {
  userId: string;
  name: string | null;
  came: boolean;
  hours: string | number | null;
  /** Confirmed already (the API keeps it as it is). */
  settled: boolean;
}

/** The hours a shift lasted, in half hours (0.5 to 24): what a volunteer who came is first given. */
export function shiftHours(start: string, end: string): number {
  const half = Math.round((Date.parse(end) - Date.parse(start)) / (1800 * 1000)) / 2;
  return Math.min(24, Math.max(0.5, Number.isFinite(half) ? half : 0.5));
}

/** The rows of "confirm who came" for an ended shift: those confirmed already as they were, the others as
 * having come for the shift's length (the organiser unticks who did not). */
export function attendanceRows(shift: ShiftSignUps): AttendanceRow[] {
  const hours = shiftHours(shift.start, shift.end);
  return shift.volunteers.map((v) => ({
    userId: v.user_id,
    name: v.name ?? null,
    came: v.attendance !== 'absent',
    hours: v.attendance === 'came' ? (v.hours ?? hours) : hours,
    settled: !!v.attendance,
  }));
}

/** Hours the API takes: 0.5 to 24 in half hours. */
export const validHours = (hours: string | number | null): boolean => {
  const value = Number(String(hours ?? '').replace(',', '.'));
  return String(hours ?? '').trim() !== '' && value >= 0.5 && value <= 24 && Number.isInteger(value * 2);
};

/** The attendance request: the rows not confirmed yet; null when there is none to send. */
export function attendanceBody(rows: readonly AttendanceRow[]): Attended[] | null {
  const people = rows
    .filter((row) => !row.settled)
    .map((row): Attended => (row.came ? { user_id: row.userId, came: true, hours: Number(String(row.hours).replace(',', '.')) } : { user_id: row.userId, came: false, hours: null }));
  return people.length ? people : null;
}

/** Whether a shift has ended (its sign-ups may be confirmed). */
export const hasEnded = (shift: { end: string }, now: number = Date.now()): boolean => Date.parse(shift.end) <= now;

/** A call the link just published or changed, as the publisher's list shows it (the API counts the same way: every
 * shift, cancelled ones included). */
export function publishedOf(call: Call, now: number = Date.now()): PublishedCall {
  return {
    id: call.id, title: call.title, status: call.status, hidden: call.hidden, reaches: call.reaches,
    start: call.start, end: call.end, shifts: call.shifts.length, created_at: call.created_at,
    needed: call.shifts.reduce((sum, s) => sum + s.needed, 0), taken: call.shifts.reduce((sum, s) => sum + s.taken, 0),
    stage: hasEnded(call, now) ? 'over' : Date.parse(call.start) <= now ? 'under_way' : 'coming',
  };
}
