import { describe, expect, it } from 'vitest';
import { problemFrom } from './problem';

describe('problemFrom', () => {
  it('reads the API error body with its fields', () => {
    const body = { error: { code: 'invalid_input', message: 'households: too small', fields: { households: 'at least 10', bad: 3 } } };
    expect(problemFrom(400, body)).toEqual({
      status: 400,
      code: 'invalid_input',
      message: 'households: too small',
      fields: { households: 'at least 10' },
      kind: 'invalid',
    });
  });

  it('keeps the wait of a 429 from Retry-After', () => {
    expect(problemFrom(429, { error: { code: 'rate_limited', message: 'slow down' } }, '12')).toMatchObject({ kind: 'rateLimited', retryAfter: 12 });
  });

  it.each([
    [401, 'signedOut'],
    [403, 'forbidden'],
    [404, 'notFound'],
    [409, 'conflict'],
    [502, 'server'],
  ] as const)('names %i as %s even without a JSON body', (status, kind) => {
    expect(problemFrom(status, '<h1>proxy</h1>')).toMatchObject({ status, kind, code: `http_${status}`, fields: {} });
  });
});
