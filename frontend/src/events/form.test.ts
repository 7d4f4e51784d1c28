import { describe, expect, it } from 'vitest';
import { bodyOf, emptyFields, fieldsOf, formProblems, type EventFields } from './form';
import type { NeighbourhoodEvent } from './events-api';
import { noRepeat, nthWeekday, repeatOf, ruleOf } from './repeat';

const filled = (change: Partial<EventFields> = {}): EventFields => ({
  ...emptyFields(), title: ' Repair café ', category: 'repair_cafe', start: '2027-03-06T14:00', end: '2027-03-06T17:00', ...change,
});

describe('the recurrence part of the form becomes an RRULE', () => {
  it('sends no rule for a single event', () => {
    expect(ruleOf(noRepeat(), '2027-03-06')).toBeNull();
  });

  it('sends a monthly rule on the same weekday of the month, with a count', () => {
    const repeat = { ...noRepeat(), freq: 'MONTHLY' as const, monthly: 'weekday' as const, count: 12 };
    expect(ruleOf(repeat, '2027-03-06')).toBe('FREQ=MONTHLY;BYDAY=1SA;COUNT=12');
  });

  it('names a fifth weekday as the last one', () => {
    expect(nthWeekday('2027-03-29')).toBe('-1MO');
    expect(nthWeekday('2027-03-22')).toBe('4MO');
  });

  it('sends a weekly rule with its days in week order, an interval and an end day', () => {
    const repeat = { ...noRepeat(), freq: 'WEEKLY' as const, interval: 2, byday: ['TH' as const, 'MO' as const], ends: 'until' as const, until: '2027-06-30' };
    expect(ruleOf(repeat, '2027-03-01')).toBe('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270630');
  });

  it('reads a stored rule back into the form', () => {
    expect(repeatOf('FREQ=MONTHLY;BYDAY=1SA;COUNT=12')).toMatchObject({ freq: 'MONTHLY', monthly: 'weekday', ends: 'count', count: 12 });
    expect(repeatOf('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;UNTIL=20270630')).toMatchObject({
      freq: 'WEEKLY', interval: 2, byday: ['MO', 'TH'], ends: 'until', until: '2027-06-30',
    });
    expect(repeatOf(null).freq).toBe('none');
  });
});

describe('the form becomes the API body', () => {
  it('sends every field, times as Luxembourg wall-clock times, the capacity as a number', () => {
    const repeat = { ...noRepeat(), freq: 'DAILY' as const, count: 3 };
    expect(bodyOf(filled({ capacity: '12', place: 'Schoulhaff', repeat, coOrganisers: ['u2'], lat: '49,5', lon: '5.98' }))).toEqual({
      title: 'Repair café', description: '', category: 'repair_cafe', start: '2027-03-06T14:00', end: '2027-03-06T17:00',
      place: 'Schoulhaff', address_id: null, point: { lat: 49.5, lon: 5.98 }, capacity: 12, co_organisers: ['u2'],
      reach: 'neighbourhood', rrule: 'FREQ=DAILY;COUNT=3', photo_id: null,
    });
  });

  it('sends the register address and the photo chosen', () => {
    expect(bodyOf(filled({ addressId: 'A-1', addressLabel: '1, Grand-Rue', photoId: 'P1' }))).toMatchObject({ address_id: 'A-1', photo_id: 'P1' });
  });

  it('waits for a photo still uploading', () => {
    expect(formProblems(filled(), true)).toEqual({ photo_id: 'photoBusy' });
  });

  it('sends null for what is left empty', () => {
    expect(bodyOf(filled())).toMatchObject({ place: null, point: null, capacity: null, rrule: null });
    expect(bodyOf(filled({ capacity: null })).capacity).toBeNull(); // an emptied number input
    expect(bodyOf(filled({ capacity: 8 })).capacity).toBe(8); // a number input's value
  });

  it('finds what the API would refuse before sending, by the API\'s field names', () => {
    expect(formProblems(emptyFields())).toMatchObject({ title: 'required', category: 'required', start: 'required', end: 'required' });
    expect(formProblems(filled({ end: '2027-03-06T13:00' }))).toEqual({ end: 'endBeforeStart' });
    expect(formProblems(filled({ capacity: '0' }))).toEqual({ capacity: 'capacity' });
    expect(formProblems(filled({ lat: '49.6' }))).toEqual({ point: 'point' });
    expect(formProblems(filled({ repeat: { ...noRepeat(), freq: 'WEEKLY', ends: 'until', until: '2027-03-01' } }))).toEqual({ rrule: 'until' });
    expect(formProblems(filled())).toEqual({});
  });

  it('fills the form with an event for its organisers (its Luxembourg times as given)', () => {
    const event = {
      title: 'Repair café', description: 'Bring it', category: 'repair_cafe', start: '2027-03-06T14:00:00+01:00', end: '2027-03-06T17:00:00+01:00',
      place: null, capacity: 8, reach: 'neighbourhood', rrule: 'FREQ=MONTHLY;BYDAY=1SA;COUNT=12', organisers: ['me', 'u2'],
      address_id: 'A-1', address: '1, Grand-Rue', photo_id: 'P1',
    } as unknown as NeighbourhoodEvent;
    const fields = fieldsOf(event);
    expect(fields).toMatchObject({ start: '2027-03-06T14:00', end: '2027-03-06T17:00', capacity: '8', coOrganisers: ['u2'], place: '' });
    expect(fields).toMatchObject({ addressId: 'A-1', addressLabel: '1, Grand-Rue', photoId: 'P1' });
    expect(bodyOf(fields).rrule).toBe('FREQ=MONTHLY;BYDAY=1SA;COUNT=12');
  });
});
