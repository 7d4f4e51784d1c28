import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { Profile } from '../session/session-api';
import { profile } from '../session/test-profile';
import { notHere } from './not-here';

const HOME = { id: '0501-aaa', name: 'Hupperdange' };
const resident = (status: Profile['residence']['status']): Profile => {
  const base = profile({}, status);
  return { ...base, residence: { ...base.residence, neighbourhood: status === 'none' ? null : HOME } };
};
const refused = (status: number) => problemFrom(status, { error: { code: 'x', message: 'no', fields: {} } });

describe('notHere', () => {
  it('leads a verified resident whose content link answered 404 back to their own neighbourhood', () => {
    expect(notHere(resident('verified'), refused(404))).toEqual(HOME);
  });

  it('leaves every other refusal, and people not verified, to their own message', () => {
    expect(notHere(resident('verified'), refused(409))).toBeNull();
    expect(notHere(resident('verified'), refused(500))).toBeNull();
    expect(notHere(resident('pending'), refused(404))).toBeNull();
    expect(notHere(resident('none'), refused(404))).toBeNull();
  });
});
