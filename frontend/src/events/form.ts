import type { EventCategory, EventCreate, NeighbourhoodEvent } from './events-api';
import { noRepeat, repeatOf, ruleOf, type Repeat } from './repeat';

/** The create/edit form's answers, as its inputs hold them. Times are Luxembourg wall-clock times
 * (`2027-03-06T14:00`, a datetime-local input's value), which the API reads as such. */
export interface EventFields {
  title: string;
  description: string;
  category: EventCategory | '';
  start: string;
  end: string;
  place: string;
  lat: string;
  lon: string;
  /** A number input's value: a number, null when empty (a string when filled from text). */
  capacity: string | number | null;
  reach: 'neighbourhood' | 'nearby';
  repeat: Repeat;
  coOrganisers: string[];
  /** A register address of the commune, chosen with the address search; its label shows what was chosen. */
  addressId: string | null;
  addressLabel: string;
  /** The photo it carries: the one it had, a new one once uploaded, or none. */
  photoId: string | null;
}

export const emptyFields = (): EventFields => ({
  title: '', description: '', category: '', start: '', end: '', place: '', lat: '', lon: '', capacity: '',
  reach: 'neighbourhood', repeat: noRepeat(), coOrganisers: [], addressId: null, addressLabel: '', photoId: null,
});

/** The wall-clock time of an instant the API gave with its Luxembourg offset, as a datetime-local value. */
export const localValue = (instant: string): string => instant.slice(0, 16);

/** The form filled with an event, for its organisers to change (a point is stored as a cell only: chosen again). */
export function fieldsOf(event: NeighbourhoodEvent): EventFields {
  return {
    ...emptyFields(),
    title: event.title, description: event.description, category: event.category,
    start: localValue(event.start), end: localValue(event.end), place: event.place ?? '',
    capacity: event.capacity ? String(event.capacity) : '', reach: event.reach, repeat: repeatOf(event.rrule),
    coOrganisers: event.organisers.slice(1), addressId: event.address_id ?? null, addressLabel: event.address ?? '',
    photoId: event.photo_id ?? null,
  };
}

const capacityText = (fields: EventFields): string => String(fields.capacity ?? '').trim();

/** A field the form checks before sending (the API checks everything again and names its field). */
export type FormProblem = 'required' | 'endBeforeStart' | 'capacity' | 'point' | 'until' | 'count' | 'interval' | 'photoBusy';

/** What the form finds wrong before sending, by the API's field names. */
export function formProblems(fields: EventFields, photoBusy = false): Record<string, FormProblem> {
  const problems: Record<string, FormProblem> = {};
  if (photoBusy) problems.photo_id = 'photoBusy';
  if (!fields.title.trim()) problems.title = 'required';
  if (!fields.category) problems.category = 'required';
  if (!fields.start) problems.start = 'required';
  if (!fields.end) problems.end = 'required';
  else if (fields.start && fields.end <= fields.start) problems.end = 'endBeforeStart';
  const capacity = capacityText(fields);
  if (capacity && !(Number.isInteger(Number(capacity)) && Number(capacity) >= 1)) problems.capacity = 'capacity';
  if (!!fields.lat.trim() !== !!fields.lon.trim() || (fields.lat.trim() && !Number.isFinite(Number(fields.lat.replace(',', '.'))))) problems.point = 'point';
  const repeat = fields.repeat;
  if (repeat.freq !== 'none') {
    if (!(Number.isInteger(repeat.interval) && repeat.interval >= 1)) problems.rrule = 'interval';
    else if (repeat.ends === 'until' && (!repeat.until || repeat.until < fields.start.slice(0, 10))) problems.rrule = 'until';
    else if (repeat.ends === 'count' && !(Number.isInteger(repeat.count) && repeat.count >= 1)) problems.rrule = 'count';
  }
  return problems;
}

/** The API's body for the form's answers (a new event; for a change, every field is sent again). */
export function bodyOf(fields: EventFields): EventCreate {
  const lat = Number(fields.lat.replace(',', '.'));
  const lon = Number(fields.lon.replace(',', '.'));
  const point = fields.lat.trim() && fields.lon.trim() ? { lat, lon } : null;
  return {
    title: fields.title.trim(),
    description: fields.description.trim(),
    category: fields.category as EventCategory,
    start: fields.start,
    end: fields.end,
    place: fields.place.trim() || null,
    address_id: fields.addressId,
    point,
    capacity: capacityText(fields) ? Number(capacityText(fields)) : null,
    co_organisers: fields.coOrganisers,
    reach: fields.reach,
    rrule: ruleOf(fields.repeat, fields.start.slice(0, 10)),
    photo_id: fields.photoId,
  };
}

/** The order of the fields on the screen: the first one in error takes the focus. */
export const FIELD_ORDER = ['title', 'category', 'description', 'start', 'end', 'rrule', 'place', 'address_id', 'point', 'photo_id', 'capacity', 'reach', 'co_organisers'] as const;
