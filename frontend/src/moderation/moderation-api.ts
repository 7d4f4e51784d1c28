import type { ApiClient, Member } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

type Schemas = components['schemas'];
export type ReportedTarget = Schemas['ReportedTarget'];
export type ReportedContent = Schemas['ReportedContent'];
export type ReportDecision = Schemas['ReportDecision'];
export type AuditEntry = Schemas['AuditEntry'];
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

/** What the moderation screen asks of the API; tests pass a fake. */
export interface ModerationApi {
  reports(neighbourhoodId: string, status: ReportStatus): Promise<Outcome<{ targets: ReportedTarget[] }>>;
  decide(neighbourhoodId: string, target: Pick<ReportedTarget, 'target_type' | 'target_id'>, decision: ReportDecision): Promise<Outcome<ReportedTarget>>;
  log(neighbourhoodId: string): Promise<Outcome<{ entries: AuditEntry[] }>>;
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
    log: (neighbourhoodId) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/moderation-log', { params: at(neighbourhoodId), cache: 'no-store' })),
    decideAppeal: (postId, decision, reason) =>
      outcomeOf(client.POST('/api/v1/posts/{post_id}/appeal/decision', { params: { path: { post_id: postId } }, body: { decision, reason } })),
    members: (neighbourhoodId) =>
      outcomeOf(client.GET('/api/v1/neighbourhoods/{neighbourhood_id}/members', { params: at(neighbourhoodId), cache: 'no-store' })),
  };
}

/** An appeal waiting for a second moderator, read from the log: the author's words and the hide it contests. */
export interface PendingAppeal {
  postId: string;
  at: string;
  text: string | null;
  authorId: string | null;
  /** The hide being appealed: who did it (a second moderator decides) and why. */
  hiddenBy: string | null;
  hiddenReason: string | null;
  hiddenNote: string | null;
}

/**
 * Appeals nobody decided yet. The API lists no appeals, but every appeal and decision is in the
 * log (newest first): an `appeal` of a post with no later `uphold` or `appeal_restore` waits.
 */
export function pendingAppeals(entries: AuditEntry[]): PendingAppeal[] {
  const decided = new Set<string>();
  const waiting: PendingAppeal[] = [];
  const oldestFirst = [...entries].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const lastHide = new Map<string, AuditEntry>();
  const open = new Map<string, PendingAppeal>();
  for (const entry of oldestFirst) {
    if (entry.target_type !== 'post') continue;
    const id = entry.target_id;
    if (entry.action === 'hide' || entry.action === 'auto_hide') lastHide.set(id, entry);
    else if (entry.action === 'appeal' && !decided.has(id)) {
      const hide = lastHide.get(id);
      open.set(id, {
        postId: id,
        at: entry.at,
        text: entry.reason,
        authorId: entry.by,
        hiddenBy: hide?.by ?? null,
        hiddenReason: hide?.reason ?? null,
        hiddenNote: hide?.note ?? null,
      });
    } else if (entry.action === 'uphold' || entry.action === 'appeal_restore') {
      decided.add(id); // a post is appealed once: decided is final
      open.delete(id);
    }
  }
  waiting.push(...open.values());
  return waiting.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}
