import { describe, expect, it } from 'vitest';
import { createApiClient } from '../api/client';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { Announcement, AnnouncementPage } from '../announcements/announcements-api';
import { feedPath, httpPublicAnnouncementsApi, type PublicAnnouncementsApi } from './public-announcements-api';
import { anchoredId, MAX_EXTRA_PAGES, PublicAnnouncements } from './public-announcements.svelte';

const item = (id: string): Announcement =>
  ({ id, title: `T${id}`, category: 'works', attachments: [], target_names: [], html: '<p>x</p>' }) as unknown as Announcement;
const page = (ids: string[], cursor: string | null = null): Outcome<AnnouncementPage> => ({
  ok: true,
  data: { announcements: ids.map(item), cursor },
});

function fakeApi(pages: Outcome<AnnouncementPage>[]) {
  const asked: string[] = [];
  const api: PublicAnnouncementsApi = {
    list: async (lau2, language, cursor) => {
      asked.push(`${lau2} ${language} ${cursor ?? ''}`);
      return pages.shift() ?? { ok: false, problem: problemFrom(500, null) };
    },
  };
  return { api, asked };
}

describe('anchoredId', () => {
  it('reads the id the Atom feed links to, and nothing else', () => {
    expect(anchoredId('#announcement-01JABCDEF')).toBe('01JABCDEF');
    expect(anchoredId('#announcements')).toBeNull();
    expect(anchoredId('#announcement-')).toBeNull();
    expect(anchoredId('#announcement-x"><script>')).toBeNull();
    expect(anchoredId('')).toBeNull();
  });
});

describe('PublicAnnouncements', () => {
  it('loads the commune in the reader language and pages on without repeats', async () => {
    const { api, asked } = fakeApi([page(['1', '2'], 'c1'), page(['2', '3'])]);
    const list = new PublicAnnouncements(api, '0501');

    await list.load('de');
    expect(list.loaded).toBe(true);
    expect(list.cursor).toBe('c1');
    await list.more();

    expect(list.items.map((a) => a.id)).toEqual(['1', '2', '3']);
    expect(list.cursor).toBeNull();
    expect(list.anchorMissing).toBe(false);
    expect(asked).toEqual(['0501 de ', '0501 de c1']);
  });

  it('reads on until the anchored announcement is there', async () => {
    const { api, asked } = fakeApi([page(['1'], 'c1'), page(['2'], 'c2'), page(['3'], 'c3')]);
    const list = new PublicAnnouncements(api, '0501');

    await list.load('fr', '2');

    expect(list.items.map((a) => a.id)).toEqual(['1', '2']);
    expect(list.cursor).toBe('c2');
    expect(list.anchorMissing).toBe(false);
    expect(asked).toEqual(['0501 fr ', '0501 fr c1']);
  });

  it('gives up after a few pages and says the anchored one is not shown', async () => {
    const pages = Array.from({ length: MAX_EXTRA_PAGES + 3 }, (_, n) => page([`${n}`], `c${n}`));
    const { api, asked } = fakeApi(pages);
    const list = new PublicAnnouncements(api, '0501');

    await list.load('en', 'gone');

    expect(asked).toHaveLength(1 + MAX_EXTRA_PAGES);
    expect(list.items).toHaveLength(1 + MAX_EXTRA_PAGES);
    expect(list.anchorMissing).toBe(true);
    expect(list.problem).toBeNull();
  });

  it('shows the problem when the list cannot be read', async () => {
    const list = new PublicAnnouncements(fakeApi([{ ok: false, problem: problemFrom(404, null) }]).api, '9999');
    await list.load('fr');
    expect(list.loaded).toBe(true);
    expect(list.loading).toBe(false);
    expect(list.problem?.kind).toBe('notFound');
    expect(list.items).toEqual([]);
  });

  it('keeps the later language when an earlier load answers last', async () => {
    let release: (value: Outcome<AnnouncementPage>) => void = () => {};
    const slow = new Promise<Outcome<AnnouncementPage>>((resolve) => (release = resolve));
    const api: PublicAnnouncementsApi = {
      list: (_lau2, language) => (language === 'fr' ? slow : Promise.resolve(page(['de']))),
    };
    const list = new PublicAnnouncements(api, '0501');

    const first = list.load('fr');
    await list.load('de');
    release(page(['fr']));
    await first;

    expect(list.items.map((a) => a.id)).toEqual(['de']);
  });
});

describe('httpPublicAnnouncementsApi', () => {
  it('asks the public list, with the cursor when paging, and names the feed', async () => {
    const asked: string[] = [];
    const fetchFn = (async (input: RequestInfo | URL) => {
      asked.push((input instanceof Request ? input.url : String(input)).replace('http://noper.test', ''));
      return new Response(JSON.stringify({ announcements: [], cursor: null }), { headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
    const api = httpPublicAnnouncementsApi(createApiClient({ baseUrl: 'http://noper.test', fetch: fetchFn }));

    await api.list('0501', 'lb');
    await api.list('0501', 'lb', 'abc');

    expect(asked).toEqual(['/api/v1/communes/0501/announcements?language=lb', '/api/v1/communes/0501/announcements?language=lb&cursor=abc']);
    expect(feedPath('0501')).toBe('/api/v1/communes/0501/announcements.atom');
  });
});
