import { describe, expect, it } from 'vitest';
import { formatMoment, fromLocalInput, toLocalInput } from './when';

describe('moments', () => {
  it('round-trips a local input through ISO', () => {
    const iso = fromLocalInput('2026-06-01T18:30');
    expect(iso).not.toBeNull();
    expect(toLocalInput(iso!)).toBe('2026-06-01T18:30');
  });

  it('refuses empty or broken inputs', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
    expect(toLocalInput('nope')).toBe('');
  });

  it('formats in Luxembourg time whatever the browser', () => {
    expect(formatMoment('2026-06-01T16:30:00Z', 'fr')).toContain('18:30');
    expect(formatMoment('garbage', 'en')).toBe('garbage');
  });
});
