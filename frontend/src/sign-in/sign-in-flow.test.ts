import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ManualTimers } from '../lib/fake-timers';
import type { AuthApi, Profile } from '../session/session-api';
import { profile } from '../session/test-profile';
import { looksLikeEmail, normaliseSignInCode, SignInFlow } from './sign-in-flow.svelte';

const fail = <T>(status: number, body: unknown = null, retryAfter?: string): Outcome<T> => ({
  ok: false,
  problem: problemFrom(status, body, retryAfter),
});
const codeReason = (reason: string) => ({ error: { code: 'invalid', message: 'x', fields: { code: reason } } });

function fakeAuth(answers: { code?: Outcome<unknown>[]; session?: Outcome<Profile>[] } = {}) {
  const calls: { code: [string, string][]; session: [string, string][] } = { code: [], session: [] };
  const api: AuthApi = {
    requestCode: async (email, language) => {
      calls.code.push([email, language]);
      return answers.code?.shift() ?? { ok: true, data: { status: 'accepted' } };
    },
    signIn: async (email, code) => {
      calls.session.push([email, code]);
      return answers.session?.shift() ?? { ok: true, data: profile() };
    },
    signOut: async () => ({ ok: true, data: null }),
    me: async () => fail(401),
  };
  return { api, calls };
}

describe('sign-in code and email checks', () => {
  it.each([
    ['123456', '123456'],
    [' 123 456 ', '123456'],
    ['123-456', '123456'],
    ['12345', null],
    ['1234567', null],
    ['12a456', null],
  ])('normalises %j to %j', (input, expected) => {
    expect(normaliseSignInCode(input)).toBe(expected);
  });

  it('accepts plausible emails only', () => {
    expect(looksLikeEmail('anna@example.lu')).toBe(true);
    expect(looksLikeEmail('anna@example')).toBe(false);
    expect(looksLikeEmail('anna example.lu')).toBe(false);
  });
});

describe('SignInFlow', () => {
  it('asks for a code with the trimmed email and the reader language, then shows the code step', async () => {
    const { api, calls } = fakeAuth();
    const flow = new SignInFlow(api, new ManualTimers());
    flow.email = '  anna@example.lu ';
    await flow.requestCode('lb');
    expect(calls.code).toEqual([['anna@example.lu', 'lb']]);
    expect(flow.step).toBe('code');
    expect(flow.sent).toBe(1);
  });

  it('checks the email before asking', async () => {
    const { api, calls } = fakeAuth();
    const flow = new SignInFlow(api, new ManualTimers());
    await flow.requestCode('en');
    expect(flow.emailError).toBe('missing');
    flow.email = 'anna';
    await flow.requestCode('en');
    expect(flow.emailError).toBe('format');
    expect(calls.code).toEqual([]);
  });

  it('after 429 counts down the Retry-After seconds and refuses to ask meanwhile', async () => {
    const timers = new ManualTimers();
    const { api, calls } = fakeAuth({ code: [fail(429, null, '3')] });
    const flow = new SignInFlow(api, timers);
    flow.email = 'anna@example.lu';
    await flow.requestCode('en');
    expect(flow.step).toBe('email');
    expect(flow.wait).toBe(3);
    await flow.requestCode('en');
    expect(calls.code).toHaveLength(1);
    timers.advance(2000);
    expect(flow.wait).toBe(1);
    timers.advance(1000);
    expect(flow.wait).toBe(0);
    expect(flow.problem).toBeNull();
    await flow.requestCode('en');
    expect(calls.code).toHaveLength(2);
    expect(flow.step).toBe('code');
  });

  it('signs in with the normalised code and gives the profile', async () => {
    const { api, calls } = fakeAuth();
    const flow = new SignInFlow(api, new ManualTimers());
    flow.email = 'anna@example.lu';
    await flow.requestCode('en');
    flow.code = '123 456';
    expect(await flow.submitCode()).toMatchObject({ display_name: 'Anna' });
    expect(calls.session).toEqual([['anna@example.lu', '123456']]);
  });

  it.each([
    ['wrong code', 'wrong'],
    ['expired', 'expired'],
    ['no code asked', 'noCode'],
    ['used', 'used'],
    ['something new', 'wrong'],
  ] as const)('names the API reason %j as %j', async (reason, error) => {
    const { api } = fakeAuth({ session: [fail(400, codeReason(reason))] });
    const flow = new SignInFlow(api, new ManualTimers());
    flow.email = 'anna@example.lu';
    await flow.requestCode('en');
    flow.code = '123456';
    expect(await flow.submitCode()).toBeNull();
    expect(flow.codeError).toBe(error);
  });

  it('does not send a code that is not six digits', async () => {
    const { api, calls } = fakeAuth();
    const flow = new SignInFlow(api, new ManualTimers());
    flow.email = 'anna@example.lu';
    await flow.requestCode('en');
    await flow.submitCode();
    expect(flow.codeError).toBe('missing');
    flow.code = '12345';
    await flow.submitCode();
    expect(flow.codeError).toBe('format');
    expect(calls.session).toEqual([]);
  });

  it('after five wrong codes (429) says so and waits before a new code may be asked', async () => {
    const timers = new ManualTimers();
    const { api } = fakeAuth({ session: [fail(429, null, '60')] });
    const flow = new SignInFlow(api, timers);
    flow.email = 'anna@example.lu';
    await flow.requestCode('en');
    flow.code = '123456';
    await flow.submitCode();
    expect(flow.codeError).toBe('tooMany');
    expect(flow.wait).toBe(60);
    timers.advance(60_000);
    expect(flow.wait).toBe(0);
  });

  it('resends and can go back to change the email', async () => {
    const { api, calls } = fakeAuth();
    const flow = new SignInFlow(api, new ManualTimers());
    flow.email = 'anna@example.lu';
    await flow.requestCode('en');
    await flow.resend('fr');
    expect(flow.sent).toBe(2);
    expect(calls.code[1]).toEqual(['anna@example.lu', 'fr']);
    flow.code = '12';
    flow.changeEmail();
    expect(flow.step).toBe('email');
    expect(flow.code).toBe('');
  });
});
