import type { Profile } from './session-api';

/** A valid profile for tests; `status` sets the residence. */
export function profile(overrides: Partial<Profile> = {}, status: Profile['residence']['status'] = 'none'): Profile {
  return {
    id: 'u1',
    email: 'anna@example.lu',
    display_name: 'Anna',
    name_chosen: true,
    languages: ['lb'],
    show_house_number: false,
    roles: [],
    staff: [],
    residence: { address: null, neighbourhood: null, status, method: null },
    ...overrides,
  };
}
