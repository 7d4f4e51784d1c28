import { describe, expect, it } from 'vitest';
import { initialLocale, negotiateLocale } from './negotiate';

describe('negotiateLocale', () => {
  it.each([
    [['lb-LU', 'fr-LU'], 'lb'],
    [['de-CH', 'en'], 'de'],
    [['pt-BR'], 'pt'],
    [['en-GB', 'fr'], 'en'],
    [['it-IT', 'pt-PT', 'fr'], 'pt'],
    [['FR_lu'], 'fr'],
    [['ltz'], 'lb'],
  ] as const)('%j → %s', (preferred, expected) => {
    expect(negotiateLocale(preferred)).toBe(expected);
  });

  it('falls back to French when no preferred language is spoken', () => {
    expect(negotiateLocale(['it-IT', 'nl'])).toBe('fr');
    expect(negotiateLocale([])).toBe('fr');
  });
});

describe('initialLocale', () => {
  it('prefers a saved choice over the browser languages', () => {
    expect(initialLocale('pt', ['de-DE'])).toBe('pt');
  });

  it('ignores a saved value that is not a supported locale', () => {
    expect(initialLocale('xx', ['de-DE'])).toBe('de');
    expect(initialLocale(null, ['en-US'])).toBe('en');
  });
});
