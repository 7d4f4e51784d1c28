import { describe, expect, it } from 'vitest';
import { formatNumber, formatTime, intlLocale } from './format';

describe('intlLocale', () => {
  it('uses Luxembourgish when the runtime has it', () => {
    expect(intlLocale('lb', () => ['lb'])).toBe('lb-LU');
  });

  it('formats Luxembourgish as German when the runtime lacks it', () => {
    expect(intlLocale('lb', () => [])).toBe('de-LU');
  });

  it('keeps the other languages, in Luxembourg', () => {
    expect(intlLocale('pt', () => [])).toBe('pt-LU');
  });
});

describe('formatTime', () => {
  const date = new Date('2025-03-01T13:05:09Z');

  it('writes a 24-hour clock in French and German', () => {
    expect(formatTime(date, 'fr', 'Europe/Luxembourg')).toBe('14:05:09');
    expect(formatTime(date, 'de', 'Europe/Luxembourg')).toBe('14:05:09');
  });

  it('writes the English clock', () => {
    expect(formatTime(date, 'en', 'UTC')).toMatch(/1:05:09\s?PM|13:05:09/);
  });
});

describe('formatNumber', () => {
  it('groups and separates decimals as each language does in Luxembourg', () => {
    expect(formatNumber(1234.5, 'fr')).toBe('1.234,5');
    expect(formatNumber(1234.5, 'de')).toBe('1.234,5');
    expect(formatNumber(1234.5, 'en')).toBe('1,234.5');
  });
});
