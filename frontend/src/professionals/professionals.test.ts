import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import { contactLink, directory, fold, linkFromContact, professionalKey } from './directory';
import type { Professional, ProfessionalsApi, Trade } from './professionals-api';
import { ProfessionalsPage } from './professionals.svelte';

const pro = (over: Partial<Professional> = {}): Professional => ({
  trade: 'plumber', name: 'Jean Müller', contact: 'jean@example.lu', households: 2, phone: null, email: null, website: null,
  recommendations: [], ...over,
});

describe('the directory', () => {
  it('keys professionals as the API does', () => {
    expect(fold('Élodie STRAẞE')).toBe('elodie strasse');
    expect(professionalKey('plumber', '  Jean   müller ', 'x')).toBe(professionalKey('plumber', 'JEAN MULLER', 'x'));
  });

  it('shows the contact fields as links and the recommendations the API lists', () => {
    const [entry] = directory([pro({
      email: 'JEAN@example.lu', phone: '621 11 22 33',
      recommendations: [
        { post_id: 'b', text: 'Fair price.', author_name: 'Ben' },
        { post_id: 'a', text: 'Came on a Sunday.', author_name: null },
        { post_id: 'c', text: '   ', author_name: null },
      ],
    })]);
    expect(entry!.recommendations).toEqual([
      { postId: 'b', text: 'Fair price.', authorName: 'Ben' },
      { postId: 'a', text: 'Came on a Sunday.', authorName: null },
    ]);
    expect(entry!.links).toEqual([
      { kind: 'phone', href: 'tel:621112233', text: '621 11 22 33' },
      { kind: 'email', href: 'mailto:JEAN@example.lu', text: 'JEAN@example.lu' },
    ]);
    expect(entry!.households).toBe(2);
  });

  it('falls back to the aggregated contact when no field makes a link', () => {
    expect(directory([pro({ contact: '+352621123456' })])[0]!.links).toEqual([{ kind: 'phone', href: 'tel:+352621123456', text: '+352621123456' }]);
    expect(directory([pro({ website: 'https://garten.lu/kontakt' })])[0]!.links).toEqual([{ kind: 'website', href: 'https://garten.lu/kontakt', text: 'garten.lu/kontakt' }]);
    expect(linkFromContact('garten.lu')).toEqual({ kind: 'website', href: 'https://garten.lu/', text: 'garten.lu' });
    expect(linkFromContact('a@b.lu')).toMatchObject({ href: 'mailto:a@b.lu' });
  });

  it('never makes a link of something that is not a phone, email or web address', () => {
    expect(contactLink('phone', 'call me')).toBeNull();
    expect(contactLink('email', 'not an email')).toBeNull();
    expect(contactLink('website', 'javascript:alert(1)')).toBeNull();
    expect(contactLink('website', 'http://example.lu/a')).toEqual({ kind: 'website', href: 'http://example.lu/a', text: 'example.lu/a' });
  });
});

function fakeApi(fail = false) {
  const calls: string[] = [];
  const api: ProfessionalsApi = {
    professionals: async (_id, trade: Trade | null) => {
      calls.push(`professionals ${trade ?? 'all'}`);
      if (fail) return { ok: false, problem: problemFrom(500, null) };
      const all = [
        pro({ email: 'jean@example.lu', recommendations: [{ post_id: 'a', text: 'Quick.', author_name: 'Anna' }] }),
        pro({ trade: 'gardener', name: 'Anna', contact: 'anna.lu', households: 1 }),
      ];
      return { ok: true, data: { professionals: trade ? all.filter((p) => p.trade === trade) : all } };
    },
  };
  return { api, calls };
}

describe('ProfessionalsPage', () => {
  it('filters by trade with one call each, the recommendations coming with the professionals', async () => {
    const { api, calls } = fakeApi();
    const page = new ProfessionalsPage(api, 'n1');
    await page.load();
    expect(page.entries).toMatchObject({ state: 'ready', value: [{ name: 'Jean Müller', recommendations: [{ postId: 'a', authorName: 'Anna' }] }, { name: 'Anna' }] });
    await page.filter('gardener');
    expect(page.entries).toMatchObject({ value: [{ name: 'Anna', links: [{ href: 'https://anna.lu/' }] }] });
    await page.filter('gardener');
    expect(calls).toEqual(['professionals all', 'professionals gardener']);
  });

  it('says when the list cannot be read', async () => {
    const page = new ProfessionalsPage(fakeApi(true).api, 'n1');
    await page.load();
    expect(page.entries).toMatchObject({ state: 'failed', problem: { kind: 'server' } });
  });
});
