import type { ApiClient, Member } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';
import { neighbourhoodMembers } from '../neighbourhood/members';

type Schemas = components['schemas'];
export type ReportedTarget = Schemas['ReportedTarget'];
export type ReportedContent = Schemas['ReportedContent'];
export type ReportDecision = Schemas['ReportDecision'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditLogPage = Schemas['AuditLog'];
export type AppealPage = Schemas['AppealList'];
export type TargetType = ReportedTarget['target_type'];
export type DecisionAction = ReportDecision['action'];
export type HideReason = NonNullable<ReportDecision['reason']>;
export type AppealVerdict = Schemas['AppealDecision']['decision'];
export type ReportStatus = 'open' | 'closed';

/** The codes a moderator chooses from to hide something (the API translates them for readers). */
export const HIDE_REASONS: readonly HideReason[] = [
  'spam',
  'harassment',
  'hate',
  'misinformation',
  'commercial',
  'personal_data',
  'off_topic',
  'other',
];

/** How many log entries, and how many appeals, a page holds. */
export const PAGE = 20;

/** What the moderation screen asks of the API; tests pass a fake. */
export interface ModerationApi {
  reports(neighbourhoodId: string, status: ReportStatus): Promise<Outcome<{ targets: ReportedTarget[] }>>;
  decide(neighbourhoodId: string, target: Pick<ReportedTarget, 'target_type' | 'target_id'>, decision: ReportDecision): Promise<Outcome<ReportedTarget>>;
  /** A page of the log, newest first; `cursor` (from the previous page) for older entries. */
  log(neighbourhoodId: string, cursor?: string | null): Promise<Outcome<AuditLogPage>>;
  /** A page of the appeals waiting for a second moderator, oldest first. */
  appeals(neighbourhoodId: string, cursor?: string | null): Promise<Outcome<AppealPage>>;
  decideAppeal(postId: string, decision: AppealVerdict, reason: string): Promise<Outcome<unknown>>;
  /** The neighbourhood's verified residents, for names (a commune moderator living elsewhere gets 404). */
  members(neighbourhoodId: string): Promise<Outcome<{ members: Member[] }>>;
}

export function httpModerationApi(client: ApiClient): ModerationApi {
  const at = (neighbourhoodId: string) => ({ path: { neighbourhood_id: neighbourhoodId } });
  return {
    reports: (neighbourhoodId, status) =>
      outcomeOf(
        client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/reports', { params: { ...at(neighbourhoodId), query: { status } }, cache: 'no-store' }),
      ),
    decide: (neighbourhoodId, target, decision) =>
      outcomeOf(
        client.POST('/api/v1/neighbourhoods/{neighbourhood_id}/reports/{target_type}/{target_id}', {
          params: { path: { neighbourhood_id: neighbourhoodId, target_type: target.target_type, target_id: target.target_id } },
          body: decision,
        }),
      ),
    log: (neighbourhoodId, cursor) =>
      outcomeOf(
        client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log', {
          params: { ...at(neighbourhoodId), query: { limit: PAGE, ...(cursor ? { cursor } : {}) } },
          cache: 'no-store',
        }),
      ),
    appeals: (neighbourhoodId, cursor) =>
      outcomeOf(
        client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/appeals', {
          params: { ...at(neighbourhoodId), query: { limit: PAGE, ...(cursor ? { cursor } : {}) } },
          cache: 'no-store',
        }),
      ),
    decideAppeal: (postId, decision, reason) =>
      outcomeOf(client.POST('/api/v1/posts/{post_id}/appeal/decision', { params: { path: { post_id: postId } }, body: { decision, reason } })),
    members: (neighbourhoodId) => neighbourhoodMembers(client, neighbourhoodId),
  };
}

/** An appeal waiting for a second moderator: the author's words and the hide it contests. */
export interface PendingAppeal {
  postId: string;
  at: string;
  text: string;
  authorId: string | null;
  /** The hide being appealed: who did it (null: automatically; a second moderator decides) and why. */
  hiddenBy: string | null;
  hiddenReason: string | null;
  hiddenNote: string | null;
  /** The hidden post as the API gives it to moderators (`gone`: deleted meanwhile). */
  content: ReportedContent;
}

/** The API's pending appeal, as the screen uses it. */
export function pendingAppealOf(appeal: AppealPage['appeals'][number]): PendingAppeal {
  return {
    postId: appeal.post_id,
    at: appeal.appealed_at,
    text: appeal.text,
    authorId: appeal.author_id,
    hiddenBy: appeal.hidden_by,
    hiddenReason: appeal.hidden_reason,
    hiddenNote: appeal.hidden_note ?? null,
    content: appeal.content,
  };
}
