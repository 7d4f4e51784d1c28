import type { ApiProblem } from '../api/problem';
import { bodyOf, emptyFields, fieldsOf, type EventFields } from '../events/form';
import type { PublishApi, PublishContext, PublishedEvent, PublisherEventRequest, PublisherEventUpdate } from './publish-api';
import { firstTarget, targetOf, type CircleDraft, type TargetKind } from './publish-form.svelte';

export type EventNews = { kind: 'published' | 'pending' | 'saved' | 'cancelled'; title: string };

/**
 * A publisher's events behind its link: its list (to change or cancel them), and the event form, the resident's
 * (events/form.ts) plus whom the event reaches (as an announcement: publish-form's target) and whether it is
 * public. A publisher's event has no co-organisers nor reach; whom it reaches stays once published.
 */
export class PublisherEvents {
  events: PublishedEvent[] = $state([]);
  loaded = $state(false);
  fields: EventFields = $state(emptyFields());
  targetKind: TargetKind = $state('commune');
  chosen: string[] = $state([]);
  circle: CircleDraft = $state({ lat: '', lon: '', radius: '500' });
  isPublic = $state(false);
  /** The event being changed; null while writing a new one. */
  editing: PublishedEvent | null = $state(null);
  busy = $state(false);
  problem: ApiProblem | null = $state(null);
  news: EventNews | null = $state(null);
  /** Grows with each new form (published, saved, editing another): the form starts afresh. */
  round = $state(0);

  readonly #api: PublishApi;
  readonly #context: PublishContext;

  constructor(api: PublishApi, context: PublishContext) {
    this.#api = api;
    this.#context = context;
    this.#resetTarget();
  }

  async load(): Promise<void> {
    const answer = await this.#api.events();
    this.loaded = true;
    if (answer.ok) this.events = answer.data.events;
    else this.problem = answer.problem;
  }

  /** The new event's request: the resident's event's fields, its target, public or not. */
  request(): PublisherEventRequest {
    return {
      ...bodyOf(this.fields), co_organisers: [], reach: 'neighbourhood',
      target: targetOf(this.targetKind, this.chosen, this.circle), public: this.isPublic,
    };
  }

  /** A change: every field again, the point only when chosen again (it is stored as a cell). */
  change(): Partial<PublisherEventUpdate> {
    const { co_organisers: _co, reach: _reach, point, ...fields } = bodyOf(this.fields);
    return point ? { ...fields, point } : fields;
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.problem = null;
    const editing = this.editing;
    const answer = editing ? await this.#api.changeEvent(editing.id, this.change()) : await this.#api.publishEvent(this.request());
    this.busy = false;
    if (!answer.ok) {
      this.problem = answer.problem;
      return;
    }
    const event = answer.data;
    if (editing) this.events = this.events.map((e) => (e.id === event.id ? event : e));
    else this.events = [event, ...this.events];
    this.news = { kind: editing ? 'saved' : event.review === 'pending' ? 'pending' : 'published', title: event.title };
    this.#fresh();
  }

  startEditing(event: PublishedEvent): void {
    this.editing = event;
    this.fields = fieldsOf(event);
    this.problem = null;
    this.news = null;
    this.round++;
  }

  stopEditing(): void {
    this.#fresh();
  }

  async cancel(event: PublishedEvent): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const answer = await this.#api.cancelEvent(event.id);
    this.busy = false;
    if (!answer.ok) {
      this.problem = answer.problem;
      return;
    }
    this.problem = null;
    this.events = this.events.map((e) => (e.id === event.id ? answer.data : e));
    this.news = { kind: 'cancelled', title: event.title };
  }

  #fresh(): void {
    this.round++;
    this.editing = null;
    this.fields = emptyFields();
    this.isPublic = false;
    this.#resetTarget();
  }

  #resetTarget(): void {
    const first = firstTarget(this.#context);
    this.targetKind = first.kind;
    this.chosen = first.chosen;
    this.circle = { lat: '', lon: '', radius: '500' };
  }
}
