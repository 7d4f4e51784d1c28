import type { ApiProblem } from '../api/problem';
import { contentText, formFieldOf, isPet } from './post-view';
import type { Kind, NewPost, Post, PostsApi, Trade } from './posts-api';
import { isSkill, type Skill } from '../volunteering/offers-api';

/** Luxembourg's bounding box, as the API checks a last-seen point (chalicelib/posts/models.py). */
export const LUXEMBOURG = { lat: [49.44, 50.19], lon: [5.73, 6.54] } as const;
const PRICE = /(€\s*\d)|(\d\s*(€|eur\b|euros?\b))/i;
const PHONE = /^\+?[0-9 ()./-]{6,25}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type FieldName = 'title' | 'text' | 'species' | 'description' | 'last_seen' | 'last_seen_at' | 'photo_id' | 'trade' | 'name' | 'phone' | 'email' | 'website' | 'contact' | 'form';

/** Why a field is refused: a code the screen translates, or the API's own words (English). */
export type FieldError =
  | { code: 'required' | 'tooLong' | 'outsideLuxembourg' | 'future' | 'phone' | 'email' | 'website' | 'contact' | 'price' | 'photoBusy' }
  | { code: 'api'; detail: string };

export interface ComposeFields {
  title: string;
  text: string;
  species: string;
  description: string;
  lat: string;
  lon: string;
  /** When a pet was last seen, as a datetime-local input holds it (the browser's local time). */
  seenAt: string;
  trade: Trade | '';
  /** A help request's skill needed (volunteering/volunteering-api.ts SKILLS), '' for none. */
  skill: Skill | '';
  name: string;
  phone: string;
  email: string;
  website: string;
}

/** Order of the fields on the screen: the first one in error takes the focus. */
export const FIELD_ORDER: readonly FieldName[] = ['trade', 'name', 'species', 'title', 'description', 'text', 'last_seen', 'last_seen_at', 'photo_id', 'phone', 'email', 'website', 'contact', 'form'];

export type ComposePhase =
  | { phase: 'editing' }
  | { phase: 'checking' }
  | { phase: 'tone' }
  | { phase: 'publishing' }
  | { phase: 'published'; post: Post }
  | { phase: 'failed'; problem: ApiProblem };

const empty = (): ComposeFields => ({ title: '', text: '', species: '', description: '', lat: '', lon: '', seenAt: '', trade: '', skill: '', name: '', phone: '', email: '', website: '' });

/** A moment as a datetime-local input shows it: "2026-12-06T17:45", in the browser's time zone. */
export function localInputValue(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

// A clock a few minutes ahead of the server's is still "now" (chalicelib/posts/models.py CLOCK_SKEW).
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Writing (or editing) one post of one kind: the kind's fields, checked as the API checks them;
 * the tone reminder before publishing ("Would you say it like this face to face?"), which the
 * writer may publish past; the API's field errors put back next to their fields.
 */
export class ComposeForm {
  fields: ComposeFields = $state(empty());
  errors: Partial<Record<FieldName, FieldError>> = $state({});
  current: ComposePhase = $state({ phase: 'editing' });
  /** Bumped on each refused attempt, so the screen moves focus to `firstError` again. */
  attempt = $state(0);

  readonly kind: Kind;
  readonly neighbourhoodId: string;
  /** Set when editing an existing post (PATCH) instead of writing a new one. */
  readonly postId: string | null;
  readonly #api: PostsApi;

  readonly #now: () => Date;

  constructor(api: PostsApi, neighbourhoodId: string, kind: Kind, editing?: Post, clock: () => Date = () => new Date()) {
    this.#api = api;
    this.#now = clock;
    this.neighbourhoodId = neighbourhoodId;
    this.kind = kind;
    this.postId = editing?.id ?? null;
    // A pet was last seen now, unless the writer says when (or the post being edited said it).
    if (isPet(kind)) this.fields.seenAt = localInputValue(clock());
    if (editing) {
      const fields = empty();
      for (const name of ['title', 'text', 'species', 'description', 'name', 'phone', 'email', 'website'] as const) {
        fields[name] = contentText(editing, name);
      }
      fields.trade = contentText(editing, 'trade') as Trade | '';
      const skill = contentText(editing, 'skill');
      fields.skill = isSkill(skill) ? skill : '';
      const seen = contentText(editing, 'last_seen_at');
      fields.seenAt = seen ? localInputValue(new Date(seen)) : this.fields.seenAt;
      this.fields = fields; // a pet's point is stored as a cell only: it is chosen again
    }
  }

  get firstError(): FieldName | null {
    return FIELD_ORDER.find((name) => this.errors[name]) ?? null;
  }

  get busy(): boolean {
    const phase = this.current.phase;
    return phase === 'checking' || phase === 'publishing';
  }

  /** Puts the last-seen point (the neighbourhood's centre or a click on the map), 5 decimals (~1 m). */
  setPoint(lat: number, lon: number): void {
    this.fields.lat = lat.toFixed(5);
    this.fields.lon = lon.toFixed(5);
    if (this.errors.last_seen) this.errors = { ...this.errors, last_seen: undefined };
  }

  /** The photo finished (ready, failed or removed): "wait until the photo is ready" no longer applies. */
  photoSettled(): void {
    if (this.errors.photo_id?.code === 'photoBusy') this.errors = { ...this.errors, photo_id: undefined };
  }

  /** When the pet was last seen, when the field reads as a moment (empty: the API takes "now"). */
  get seenAt(): Date | null {
    if (!this.fields.seenAt.trim()) return null;
    const date = new Date(this.fields.seenAt);
    return Number.isNaN(date.getTime()) ? null : date;
  }

  /** The point typed or chosen, when both numbers read. */
  get point(): { lat: number; lon: number } | null {
    const lat = Number(this.fields.lat.replace(',', '.'));
    const lon = Number(this.fields.lon.replace(',', '.'));
    if (!this.fields.lat.trim() || !this.fields.lon.trim() || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
    return { lat, lon };
  }

  /** Checks what the API would refuse, so most mistakes show before anything is sent. */
  validate(photoBusy = false): boolean {
    const errors: Partial<Record<FieldName, FieldError>> = {};
    const f = this.fields;
    const need = (name: FieldName, value: string, max: number): void => {
      if (!value.trim()) errors[name] = { code: 'required' };
      else if (value.trim().length > max) errors[name] = { code: 'tooLong' };
    };
    switch (this.kind) {
      case 'discussion':
        if (f.title.trim().length > 120) errors.title = { code: 'tooLong' };
        need('text', f.text, 5000);
        break;
      case 'help_request':
      case 'help_offer':
        need('title', f.title, 120);
        need('text', f.text, 5000);
        break;
      case 'giveaway':
        need('title', f.title, 120);
        need('text', f.text, 5000);
        if (!errors.title && PRICE.test(f.title)) errors.title = { code: 'price' };
        if (!errors.text && PRICE.test(f.text)) errors.text = { code: 'price' };
        break;
      case 'lost_pet':
      case 'found_pet': {
        need('species', f.species, 200);
        need('description', f.description, 5000);
        const point = this.point;
        if (!point) errors.last_seen = { code: 'required' };
        else if (!inLuxembourg(point)) errors.last_seen = { code: 'outsideLuxembourg' };
        const seen = this.seenAt;
        if (f.seenAt.trim() && seen === null) errors.last_seen_at = { code: 'required' };
        else if (seen && seen.getTime() > this.#now().getTime() + CLOCK_SKEW_MS) errors.last_seen_at = { code: 'future' };
        if (photoBusy) errors.photo_id = { code: 'photoBusy' };
        break;
      }
      case 'recommendation':
        if (!f.trade) errors.trade = { code: 'required' };
        need('name', f.name, 200);
        need('text', f.text, 5000);
        if (f.phone.trim() && !PHONE.test(f.phone.trim())) errors.phone = { code: 'phone' };
        if (f.email.trim() && !EMAIL.test(f.email.trim())) errors.email = { code: 'email' };
        if (f.website.trim() && !/^https?:\/\/[^\s.]+\.[^\s]+$/i.test(f.website.trim())) errors.website = { code: 'website' };
        if (!f.phone.trim() && !f.email.trim() && !f.website.trim()) errors.contact = { code: 'contact' };
        break;
    }
    this.errors = errors;
    if (Object.keys(errors).length) this.attempt += 1;
    return Object.keys(errors).length === 0;
  }

  /** The request body for the API, from the fields (empty optional fields left out). */
  body(photoId: string | null = null): NewPost {
    const f = this.fields;
    const t = (value: string) => value.trim();
    switch (this.kind) {
      case 'discussion':
        return { kind: 'discussion', title: t(f.title) || null, text: t(f.text) };
      case 'help_request':
        return { kind: 'help_request', title: t(f.title), text: t(f.text), skill: f.skill || null };
      case 'help_offer':
      case 'giveaway':
        return { kind: this.kind, title: t(f.title), text: t(f.text) };
      case 'lost_pet':
      case 'found_pet': {
        const pet = {
          species: t(f.species),
          description: t(f.description),
          last_seen: this.point ?? { lat: Number.NaN, lon: Number.NaN },
          last_seen_at: this.seenAt?.toISOString() ?? null,
          photo_id: photoId,
        };
        return this.kind === 'lost_pet' ? { kind: 'lost_pet', ...pet } : { kind: 'found_pet', ...pet };
      }
      case 'recommendation':
        return {
          kind: 'recommendation',
          trade: f.trade as Trade,
          name: t(f.name),
          text: t(f.text),
          phone: t(f.phone) || null,
          email: t(f.email) || null,
          website: t(f.website) || null,
          self: false,
        };
    }
  }

  /** Publish: check the fields, then the tone; a text that looks aggressive asks first. */
  async submit(photoId: string | null = null, photoBusy = false): Promise<void> {
    if (this.busy) return;
    if (!this.validate(photoBusy)) {
      this.current = { phase: 'editing' };
      return;
    }
    this.current = { phase: 'checking' };
    const words = Object.values(this.fields).filter((value) => typeof value === 'string' && value.trim()).join('\n');
    const tone = await this.#api.toneCheck(words);
    // The reminder is a courtesy: if the check cannot be made, the post goes out as written.
    if (tone.ok && tone.data.looks_aggressive) {
      this.current = { phase: 'tone' };
      return;
    }
    await this.publish(photoId);
  }

  /** "Publish anyway" after the reminder, or straight after a calm tone check. */
  async publish(photoId: string | null = null): Promise<void> {
    this.current = { phase: 'publishing' };
    const body = this.body(photoId);
    const answer = this.postId ? await this.#api.edit(this.postId, body) : await this.#api.write(this.neighbourhoodId, body);
    if (answer.ok) {
      this.current = { phase: 'published', post: answer.data };
      return;
    }
    const problem = answer.problem;
    const fields = Object.entries(problem.fields);
    if ((problem.kind === 'invalid' || problem.kind === 'conflict') && fields.length) {
      const errors: Partial<Record<FieldName, FieldError>> = {};
      for (const [apiField, reason] of fields) {
        const name = formFieldOf(apiField, this.kind);
        const field = (FIELD_ORDER.includes(name as FieldName) ? name : 'form') as FieldName;
        errors[field === 'photo_id' && !isPet(this.kind) ? 'form' : field] = { code: 'api', detail: reason };
      }
      this.errors = errors;
      this.attempt += 1;
      this.current = { phase: 'editing' };
      return;
    }
    this.current = { phase: 'failed', problem };
  }

  /** "Edit" after the reminder: back to the form, text as it was. */
  edit(): void {
    this.current = { phase: 'editing' };
  }
}

export function inLuxembourg(point: { lat: number; lon: number }): boolean {
  return point.lat >= LUXEMBOURG.lat[0] && point.lat <= LUXEMBOURG.lat[1] && point.lon >= LUXEMBOURG.lon[0] && point.lon <= LUXEMBOURG.lon[1];
}
