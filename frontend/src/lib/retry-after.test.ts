import { describe, expect, it } from 'vitest';
import { retryAfterSeconds } from './retry-after';

const now = new Date('2025-03-01T12:00:00Z');

describe('retryAfterSeconds', () => {
  it.each([
    ['7', 7],
    [' 30 ', 30],
    ['0', 1],
    ['Sat, 01 Mar 2025 12:00:10 GMT', 10],
    ['Sat, 01 Mar 2025 11:00:00 GMT', 1],
  ])('%j → %i s', (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });

  it.each([null, undefined, '', 'soon', '-5'])('falls back for %j', (header) => {
    expect(retryAfterSeconds(header, now, 4)).toBe(4);
  });
});
