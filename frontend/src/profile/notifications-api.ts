import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

/** Which emails Noper sends me: every topic named. */
export type NotificationChoices = components['schemas']['NotificationSettings'];
export type NotificationChanges = Partial<NotificationChoices>;
export type NotificationTopic = keyof NotificationChoices;

/** The topics in the order the profile shows them (urgent alerts grouped), and how the digest goes. */
export const TOPICS: readonly NotificationTopic[] = ['digest', 'digest_skip_when_read', 'alert_lost_pet', 'alert_emergency', 'loan_reminders', 'messages', 'events', 'volunteering'];

const UNCHANGED: Record<NotificationTopic, null> = {
  digest: null,
  alert_lost_pet: null,
  alert_emergency: null,
  loan_reminders: null,
  messages: null,
  events: null,
  volunteering: null,
  digest_skip_when_read: null,
};

/** The calls of the notification settings; tests pass a fake. */
export interface NotificationsApi {
  load(): Promise<Outcome<NotificationChoices>>;
  save(changes: NotificationChanges): Promise<Outcome<NotificationChoices>>;
}

export function httpNotificationsApi(client: ApiClient): NotificationsApi {
  return {
    load: () => outcomeOf(client.GET('/api/v1/me/notifications', { cache: 'no-store' })),
    // Topics sent as null stay as they are.
    save: (changes) => outcomeOf(client.PUT('/api/v1/me/notifications', { body: { ...UNCHANGED, ...changes } })),
  };
}
