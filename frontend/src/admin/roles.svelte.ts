import type { ApiProblem } from '../api/problem';
import { fold } from '../professionals/directory';
import type { CommunePublic, CommuneRoles as RolesList, CommuneSettings, RolesApi, StaffRole, VerifiedResident } from './roles-api';

/** Who holds which role in the commune, and the admin's decisions on them: state, no DOM. */
export class CommuneRoles {
  list: RolesList = $state({ staff: [], moderators: [], ambassadors: [] });
  /** Verified residents of the neighbourhood picked, to appoint one. */
  residents: VerifiedResident[] = $state([]);
  neighbourhoodId = $state('');
  /** True once the API showed the list (an admin of the commune): others never see the panel. */
  allowed = $state(false);
  busy = $state(false);
  problem: ApiProblem | null = $state(null);
  /** The last decision that went through, for the live region. */
  done: { what: 'ambassador' | 'moderator' | 'staff'; granted: boolean; name: string } | null = $state(null);

  constructor(
    private readonly api: RolesApi,
    private readonly lau2: string,
  ) {}

  async load(): Promise<void> {
    const outcome = await this.api.roles(this.lau2);
    if (outcome.ok) {
      this.list = outcome.data;
      this.allowed = true;
    } else if (outcome.problem.status !== 403 && outcome.problem.status !== 401) this.problem = outcome.problem;
  }

  async pickNeighbourhood(neighbourhoodId: string): Promise<void> {
    this.neighbourhoodId = neighbourhoodId;
    this.residents = [];
    if (!neighbourhoodId) return;
    const outcome = await this.api.residents(this.lau2, neighbourhoodId);
    if (this.neighbourhoodId !== neighbourhoodId) return; // another pick came meanwhile
    if (outcome.ok) this.residents = outcome.data.residents;
    else this.problem = outcome.problem;
  }

  /** Residents of the picked neighbourhood whose name holds what was typed (case and accents aside). */
  matching(typed: string): VerifiedResident[] {
    const wanted = fold(typed.trim());
    return wanted ? this.residents.filter((r) => fold(r.name).includes(wanted)) : this.residents;
  }

  ambassador(userId: string, name: string, appoint: boolean): Promise<boolean> {
    return this.decide(() => this.api.ambassador(this.lau2, userId, appoint), { what: 'ambassador', granted: appoint, name });
  }

  moderator(userId: string, name: string, appoint: boolean): Promise<boolean> {
    return this.decide(() => this.api.moderator(this.lau2, userId, appoint), { what: 'moderator', granted: appoint, name });
  }

  grantStaff(email: string, role: StaffRole): Promise<boolean> {
    return this.decide(() => this.api.grantStaff(this.lau2, email.trim(), role), { what: 'staff', granted: true, name: email.trim() });
  }

  withdrawStaff(userId: string, name: string, role: StaffRole): Promise<boolean> {
    return this.decide(() => this.api.withdrawStaff(this.lau2, userId, role), { what: 'staff', granted: false, name });
  }

  private async decide(call: () => Promise<{ ok: boolean; problem?: ApiProblem }>, done: NonNullable<CommuneRoles['done']>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.problem = null;
    this.done = null;
    const outcome = await call();
    this.busy = false;
    if (!outcome.ok) {
      this.problem = outcome.problem ?? null;
      return false;
    }
    this.done = done;
    await this.load();
    if (this.neighbourhoodId) await this.pickNeighbourhood(this.neighbourhoodId);
    return true;
  }
}

/** The commune's settings (name, languages, time zone) as its admins change them: state, no DOM. */
export class CommuneSettingsForm {
  name = $state('');
  languages: CommuneSettings['languages'] = $state([]);
  timeZone = $state('Europe/Luxembourg');
  /** The commune's headline indicators on its public page (off unless it opts in). */
  publishIndicators = $state(false);
  saving = $state(false);
  saved = $state(false);
  problem: ApiProblem | null = $state(null);

  constructor(
    private readonly api: RolesApi,
    private readonly lau2: string,
  ) {}

  /** Fill the form from the commune as the API showed it. */
  fill(commune: CommunePublic): void {
    this.name = commune.name;
    this.languages = [...commune.languages];
    this.timeZone = commune.time_zone;
    this.publishIndicators = commune.publish_indicators ?? false;
  }

  toggle(language: CommuneSettings['languages'][number], on: boolean): void {
    this.saved = false;
    const others = this.languages.filter((l) => l !== language);
    this.languages = on ? [...others, language] : others;
  }

  async save(): Promise<CommunePublic | null> {
    if (this.saving) return null;
    this.saving = true;
    this.saved = false;
    this.problem = null;
    const outcome = await this.api.saveSettings(this.lau2, {
      name: this.name,
      languages: this.languages,
      time_zone: this.timeZone,
      publish_indicators: this.publishIndicators,
    });
    this.saving = false;
    if (!outcome.ok) {
      this.problem = outcome.problem;
      return null;
    }
    this.fill(outcome.data);
    this.saved = true;
    return outcome.data;
  }
}
