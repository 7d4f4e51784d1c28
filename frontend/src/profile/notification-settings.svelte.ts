import type { ApiProblem } from '../api/problem';
import type { Loading } from '../communes/commune-page.svelte';
import type { NotificationChoices, NotificationsApi, NotificationTopic } from './notifications-api';

/**
 * The resident's email choices. Each switch is saved as soon as it changes (one topic per request,
 * so two quick changes cannot undo each other); a refused change is put back and the problem shown.
 */
export class NotificationSettings {
  choices: Loading<NotificationChoices> = $state({ state: 'loading' });
  saving: NotificationTopic | null = $state(null);
  saved: NotificationTopic | null = $state(null);
  problem: ApiProblem | null = $state(null);

  readonly #api: NotificationsApi;

  constructor(api: NotificationsApi) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const outcome = await this.#api.load();
    this.choices = outcome.ok ? { state: 'ready', value: outcome.data } : { state: 'failed', problem: outcome.problem };
  }

  /** True once the change is saved. */
  async change(topic: NotificationTopic, on: boolean): Promise<boolean> {
    if (this.choices.state !== 'ready') return false;
    const before = this.choices.value;
    this.choices = { state: 'ready', value: { ...before, [topic]: on } };
    this.saving = topic;
    this.saved = null;
    this.problem = null;
    const outcome = await this.#api.save({ [topic]: on });
    this.saving = null;
    if (!outcome.ok) {
      const current = this.choices.state === 'ready' ? this.choices.value : before;
      this.choices = { state: 'ready', value: { ...current, [topic]: before[topic] } };
      this.problem = outcome.problem;
      return false;
    }
    // Only this topic from the answer: another switch may be on its way.
    const current = this.choices.state === 'ready' ? this.choices.value : outcome.data;
    this.choices = { state: 'ready', value: { ...current, [topic]: outcome.data[topic] } };
    this.saved = topic;
    return true;
  }
}
