import type { ApiClient } from '../api/client';
import { outcomeOf, type Outcome } from '../api/outcome';
import type { components } from '../api/schema';

export type CommuneRoles = components['schemas']['CommuneRolesPublic'];
export type StaffMember = components['schemas']['StaffMemberPublic'];
export type StaffRole = StaffMember['roles'][number];
export type VerifiedResident = components['schemas']['VerifiedResidentPublic'];
export type CommuneSettings = components['schemas']['CommuneSettings'];
export type CommunePublic = components['schemas']['CommunePublic'];

export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'editor', 'verifier'];

/** The admin page's roles and settings calls (the commune's admins only); tests pass a fake. */
export interface RolesApi {
  roles(lau2: string): Promise<Outcome<CommuneRoles>>;
  residents(lau2: string, neighbourhoodId: string): Promise<Outcome<{ residents: VerifiedResident[] }>>;
  ambassador(lau2: string, userId: string, appoint: boolean): Promise<Outcome<unknown>>;
  moderator(lau2: string, userId: string, appoint: boolean): Promise<Outcome<unknown>>;
  grantStaff(lau2: string, email: string, role: StaffRole): Promise<Outcome<StaffMember>>;
  withdrawStaff(lau2: string, userId: string, role: StaffRole): Promise<Outcome<StaffMember>>;
  saveSettings(lau2: string, settings: CommuneSettings): Promise<Outcome<CommunePublic>>;
}

export function httpRolesApi(client: ApiClient): RolesApi {
  const resident = (lau2: string, user_id: string) => ({ params: { path: { lau2, user_id } } });
  return {
    roles: (lau2) =>
      outcomeOf(client.GET('/api/v1/communes/{lau2}/roles', { params: { path: { lau2 } }, cache: 'no-store' })),
    residents: (lau2, nbh_id) =>
      outcomeOf(
        client.GET('/api/v1/communes/{lau2}/neighbourhoods/{nbh_id}/residents', {
          params: { path: { lau2, nbh_id } },
          cache: 'no-store',
        }),
      ),
    ambassador: (lau2, userId, appoint) =>
      outcomeOf(
        appoint
          ? client.PUT('/api/v1/communes/{lau2}/ambassadors/{user_id}', resident(lau2, userId))
          : client.DELETE('/api/v1/communes/{lau2}/ambassadors/{user_id}', resident(lau2, userId)),
      ),
    moderator: (lau2, userId, appoint) =>
      outcomeOf(
        appoint
          ? client.PUT('/api/v1/communes/{lau2}/moderators/{user_id}', resident(lau2, userId))
          : client.DELETE('/api/v1/communes/{lau2}/moderators/{user_id}', resident(lau2, userId)),
      ),
    grantStaff: (lau2, email, role) =>
      outcomeOf(client.POST('/api/v1/communes/{lau2}/staff', { params: { path: { lau2 } }, body: { email, role } })),
    withdrawStaff: (lau2, user_id, role) =>
      outcomeOf(client.DELETE('/api/v1/communes/{lau2}/staff/{user_id}/{role}', { params: { path: { lau2, user_id, role } } })),
    saveSettings: (lau2, settings) =>
      outcomeOf(client.PUT('/api/v1/communes/{lau2}', { params: { path: { lau2 } }, body: settings })),
  };
}
