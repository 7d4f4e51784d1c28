import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import type { Announcement, AnnouncementPage, AnnouncementsApi } from './announcements-api';
import { AnnouncementChannel } from './channel.svelte';

const item = (id: string): Announcement =>
  ({ id, title: `T${id}`, category: 'works', attachments: [], target_names: [], html: '<p>x</p>' }) as unknown as Announcement;

function fakeApi(pages: Outcome<AnnouncementPage>[], one?: Outcome<Announcement>) {
  const asked: string[] = [];
  const api: AnnouncementsApi = {
    mine: async (language, cursor) => {
      asked.push(`mine ${language} ${cursor ?? ''}`);
      return pages.shift() ?? { ok: false, problem: problemFrom(500, null) };
    },
    one: async (id, language) => {
      asked.push(`one ${id} ${language}`);
      return one ?? { ok: false, problem: problemFrom(404, null) };
    },
  };
  return { api, asked };
}

describe('AnnouncementChannel', () => {
  it('loads in the reader language and pages on with the cursor, without repeats', async () => {
    const { api, asked } = fakeApi([
      { ok: true, data: { announcements: [item('1'), item('2')], cursor: 'c1' } },
      { ok: true, data: { announcements: [item('2'), item('3')], cursor: null } },
    ]);
    const channel = new AnnouncementChannel(api);

    await channel.load('de');
    await channel.more();

    expect(channel.items.map((a) => a.id)).toEqual(['1', '2', '3']);
    expect(channel.cursor).toBeNull();
    expect(asked).toEqual(['mine de ', 'mine de c1']);
  });

  it('opens the announcement a link names, and says when it is not there', async () => {
    const opened = fakeApi([{ ok: true, data: { announcements: [], cursor: null } }], { ok: true, data: item('9') });
    const channel = new AnnouncementChannel(opened.api);
    await channel.load('fr', '9');
    expect(channel.opened?.id).toBe('9');

    const missing = new AnnouncementChannel(fakeApi([{ ok: true, data: { announcements: [], cursor: null } }]).api);
    await missing.load('fr', 'X');
    expect(missing.opened).toBeNull();
    expect(missing.openedProblem?.kind).toBe('notFound');
  });
});
