import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import {
  addShift, attendanceBody, attendanceRows, bodyOf, emptyCallFields, emptyShift, fieldId, firstField, formProblems, hasEnded,
  MAX_SHIFTS, publishedOf, refusalOf, removeShift, shiftBar, shiftHours, validHours, type CallFields,
} from './form';
import type { Call, Shift, ShiftSignUps } from './volunteering-api';

const filled = (): CallFields => ({
  ...emptyCallFields(),
  title: ' Flea market helpers ',
  what: 'Stalls',
  skills: ['event_setup'],
  shifts: [
    { ...emptyShift(), role: 'Set-up', start: '2030-05-16T08:00', end: '2030-05-16T10:00', needed: 4 },
    { ...emptyShift(), role: 'Stall', start: '2030-05-16T10:00', end: '2030-05-16T14:00', needed: '2' },
  ],
});

describe('shift rows', () => {
  it('adds a row starting where the last one ended, up to 50', () => {
    const rows = addShift(filled().shifts);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ role: '', start: '2030-05-16T14:00', end: '', needed: 1 });
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
    let many = [emptyShift()];
    for (let i = 0; i < 60; i++) many = addShift(many);
    expect(many).toHaveLength(MAX_SHIFTS);
  });

  it('removes a row by its key but keeps the last one', () => {
    const rows = filled().shifts;
    const left = removeShift(rows, rows[0]!.key);
    expect(left.map((r) => r.role)).toEqual(['Stall']);
    expect(removeShift(left, left[0]!.key)).toHaveLength(1);
  });
});

describe('call form', () => {
  it('finds nothing wrong with a filled form and sends what the API takes', () => {
    const fields = filled();
    expect(formProblems(fields)).toEqual({});
    expect(bodyOf(fields)).toEqual({
      title: 'Flea market helpers', what: 'Stalls', why: '', place: null, address_id: null, point: null, event_id: null,
      skills: ['event_setup'], min_age_note: null, pairing: 'none',
      shifts: [
        { role: 'Set-up', start: '2030-05-16T08:00', end: '2030-05-16T10:00', needed: 4 },
        { role: 'Stall', start: '2030-05-16T10:00', end: '2030-05-16T14:00', needed: 2 },
      ],
    });
  });

  it('names each wrong field by the API name, row by row', () => {
    const fields = filled();
    fields.title = ' ';
    fields.shifts[0] = { ...fields.shifts[0]!, end: '2030-05-16T07:00' };
    fields.shifts[1] = { ...fields.shifts[1]!, role: '', needed: 0, end: '2030-05-17T11:00' };
    expect(formProblems(fields)).toEqual({
      title: 'required', 'shifts.0.end': 'endBeforeStart', 'shifts.1.role': 'required', 'shifts.1.end': 'tooLong', 'shifts.1.needed': 'needed',
    });
    expect(formProblems({ ...fields, shifts: [{ ...emptyShift(), needed: '' }] })).toMatchObject({
      'shifts.0.start': 'required', 'shifts.0.end': 'required', 'shifts.0.needed': 'needed',
    });
    expect(formProblems({ ...filled(), shifts: [{ ...filled().shifts[0]!, needed: 101 }] })).toEqual({ 'shifts.0.needed': 'needed' });
  });

  it('sends the optional fields only when given', () => {
    const body = bodyOf({ ...filled(), eventId: '01J0000000000000000000000A', minAgeNote: ' 16 and over ', place: ' Hall ', pairing: 'newcomer_buddy' });
    expect(body).toMatchObject({ event_id: '01J0000000000000000000000A', min_age_note: '16 and over', place: 'Hall', pairing: 'newcomer_buddy' });
  });

  it('puts the focus on the first field in error in screen order, the API naming a shift field too', () => {
    expect(firstField({ 'shifts.1.role': 'x', 'shifts.0.needed': 'y', skills: 'z' })).toBe('skills');
    expect(firstField({ 'shifts.1.role': 'x', 'shifts.0.needed': 'y', 'shifts.0.start': 'y' })).toBe('shifts.0.start');
    expect(firstField({ shifts: 'too many', target: 'x' })).toBe('shifts');
    expect(firstField({ target: 'x' })).toBeNull();
    expect(fieldId('shifts.1.end')).toBe('call-shifts-1-end');
    expect(fieldId('min_age_note')).toBe('call-min-age-note');
  });
});

describe('refusals', () => {
  it('reads the API 409 codes as reasons, other problems as they are', () => {
    const refused = (code: string, status = 409) => problemFrom(status, { error: { code, message: '', fields: { shift_id: 'x' } } });
    for (const code of ['shift_full', 'shift_clash', 'shift_started', 'shift_ended', 'shift_cancelled', 'already_signed_up', 'cover_asked_recently', 'call_not_open']) {
      expect(refusalOf(refused(code))).toBe(code);
    }
    expect(refusalOf(refused('conflict'))).toBeNull();
    expect(refusalOf(refused('shift_full', 400))).toBeNull();
  });

  it('says why I cannot sign up from the shift as the call gives it', () => {
    expect(shiftBar('full')).toBe('shift_full');
    expect(shiftBar('clash')).toBe('shift_clash');
    expect(shiftBar('ended')).toBe('shift_ended');
    expect(shiftBar('can_sign_up')).toBeNull();
    expect(shiftBar('signed_up')).toBeNull();
  });
});

describe('confirm who came', () => {
  const shift: ShiftSignUps = {
    shift_id: '01', role: 'Stall', start: '2026-05-16T10:00:00+02:00', end: '2026-05-16T12:30:00+02:00', needed: 3, status: 'scheduled', moved: false,
    volunteers: [
      { user_id: 'ana', name: 'Ana', signed_up_at: '2026-05-01T10:00:00Z', attendance: null, hours: null },
      { user_id: 'ben', name: null, signed_up_at: '2026-05-01T10:00:00Z', attendance: 'came', hours: 2 },
      { user_id: 'cai', name: 'Cai', signed_up_at: '2026-05-01T10:00:00Z', attendance: 'absent', hours: null },
    ],
  };

  it('gives those not confirmed the length of the shift, those confirmed as they were', () => {
    expect(shiftHours(shift.start, shift.end)).toBe(2.5);
    expect(shiftHours('2026-05-16T10:00:00Z', '2026-05-16T10:10:00Z')).toBe(0.5);
    expect(attendanceRows(shift)).toEqual([
      { userId: 'ana', name: 'Ana', came: true, hours: 2.5, settled: false },
      { userId: 'ben', name: null, came: true, hours: 2, settled: true },
      { userId: 'cai', name: 'Cai', came: false, hours: 2.5, settled: true },
    ]);
  });

  it('sends only those not confirmed yet, hours for those who came', () => {
    const rows = attendanceRows(shift);
    expect(attendanceBody(rows)).toEqual([{ user_id: 'ana', came: true, hours: 2.5 }]);
    rows[0]!.came = false;
    expect(attendanceBody(rows)).toEqual([{ user_id: 'ana', came: false, hours: null }]);
    expect(attendanceBody(rows.slice(1))).toBeNull();
  });

  it('takes hours from 0.5 to 24 in half hours', () => {
    expect(validHours(2)).toBe(true);
    expect(validHours('1,5')).toBe(true);
    expect(validHours(0)).toBe(false);
    expect(validHours(1.2)).toBe(false);
    expect(validHours(25)).toBe(false);
    expect(validHours('')).toBe(false);
    expect(validHours(null)).toBe(false);
  });

  it('knows when a shift has ended', () => {
    expect(hasEnded(shift, Date.parse('2026-05-16T10:31:00Z'))).toBe(true);
    expect(hasEnded(shift, Date.parse('2026-05-16T10:29:00Z'))).toBe(false);
  });
});

describe('a call in the publisher\'s list', () => {
  const shiftOf = (shift_id: string, needed: number, taken: number, status: Shift['status'] = 'scheduled'): Shift => ({
    shift_id, role: 'Stall', start: '2030-05-16T08:00:00+02:00', end: '2030-05-16T10:00:00+02:00', needed, taken,
    places_left: needed - taken, status, moved: false, mine: 'can_sign_up',
  });

  it('counts the people needed and signed up over every shift, a cancelled one included, as the API does', () => {
    const call = {
      id: 'C1', title: 'Flea market', status: 'open', hidden: false, reaches: ['0501-01'], created_at: '2030-05-01T10:00:00Z',
      start: '2030-05-16T08:00:00+02:00', end: '2030-05-16T14:00:00+02:00',
      shifts: [shiftOf('01', 4, 3), shiftOf('02', 2, 1, 'cancelled')],
    } as unknown as Call;
    expect(publishedOf(call)).toEqual({
      id: 'C1', title: 'Flea market', status: 'open', hidden: false, reaches: ['0501-01'], created_at: '2030-05-01T10:00:00Z',
      start: '2030-05-16T08:00:00+02:00', end: '2030-05-16T14:00:00+02:00', shifts: 2, needed: 6, taken: 4, stage: 'coming',
    });
    expect(publishedOf(call, Date.parse('2030-05-16T09:00:00+02:00')).stage).toBe('under_way');
    expect(publishedOf(call, Date.parse('2030-05-16T14:00:00+02:00')).stage).toBe('over');
  });
});
