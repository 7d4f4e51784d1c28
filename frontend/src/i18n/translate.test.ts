import { describe, expect, it } from 'vitest';
import type { Catalogue } from './translate';
import { pluralKey, translate } from './translate';

const english = { 'notFound.body': 'There is no page at the address {path}.', 'nav.home': 'Home' } as Partial<Catalogue>;
const french = { 'notFound.body': 'Il n’y a pas de page à l’adresse {path}.' } as Partial<Catalogue>;

describe('translate', () => {
  it('replaces each {name} with its parameter', () => {
    expect(translate(french, english, 'notFound.body', { path: '/x' })).toBe('Il n’y a pas de page à l’adresse /x.');
  });

  it('formats number parameters as text and repeats placeholders', () => {
    const catalogue = { 'document.title': '{page} {page} {n}' } as Partial<Catalogue>;
    expect(translate(catalogue, {}, 'document.title', { page: 'a', n: 3 })).toBe('a a 3');
  });

  it('leaves a placeholder without a parameter as written', () => {
    expect(translate(french, english, 'notFound.body')).toBe('Il n’y a pas de page à l’adresse {path}.');
  });

  it('does not treat inherited object properties as parameters', () => {
    const catalogue = { 'document.title': '{toString}' } as Partial<Catalogue>;
    expect(translate(catalogue, {}, 'document.title', {})).toBe('{toString}');
  });

  it('falls back to the fallback catalogue, then to the key', () => {
    expect(translate(french, english, 'nav.home')).toBe('Home');
    expect(translate(french, english, 'nav.status')).toBe('nav.status');
  });

  it('inserts parameter text literally, without interpreting it', () => {
    expect(translate(english, {}, 'notFound.body', { path: '<b>{path}</b>$&' })).toBe(
      'There is no page at the address <b>{path}</b>$&.',
    );
  });
});

describe('pluralKey', () => {
  it('picks .one for the singular of each language and .other for the rest', () => {
    expect(pluralKey('map.addressCount', 1, new Intl.PluralRules('en'))).toBe('map.addressCount.one');
    expect(pluralKey('map.addressCount', 0, new Intl.PluralRules('en'))).toBe('map.addressCount.other');
    expect(pluralKey('map.addressCount', 0, new Intl.PluralRules('fr'))).toBe('map.addressCount.one');
    expect(pluralKey('map.addressCount', 2, new Intl.PluralRules('pt'))).toBe('map.addressCount.other');
  });
});
