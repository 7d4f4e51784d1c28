import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { ManualTimers } from '../lib/fake-timers';
import { attachmentType, takeToken, type AttachmentState, type PublishApi, type PublishContext } from './publish-api';
import { POLL_MS, PublishForm, refusalOf } from './publish-form.svelte';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const CONTEXT: PublishContext = {
  lau2: '0501',
  commune_name: 'Clervaux',
  commune_languages: ['lb', 'fr'],
  publisher_name: 'Service technique',
  publisher_kind: 'commune',
  whole_commune: false,
  neighbourhoods: [{ id: '0501-n1', name: 'Centre' }],
  categories: ['works', 'waste'],
  expires_at: '2027-01-01T00:00:00Z',
  needs_approval: false,
  max_attachment_bytes: 1000,
};

const noEvents: Pick<PublishApi, 'events' | 'publishEvent' | 'changeEvent' | 'cancelEvent' | 'startUpload' | 'photo'> = {
  startUpload: async () => { throw new Error('not an event test'); },
  photo: async () => { throw new Error('not an event test'); },
  events: async () => ({ ok: true, data: { events: [] } }),
  publishEvent: async () => { throw new Error('not an event test'); },
  changeEvent: async () => { throw new Error('not an event test'); },
  cancelEvent: async () => { throw new Error('not an event test'); },
};

function fakeApi(options: { context?: Outcome<PublishContext>; states?: AttachmentState['status'][]; publish?: Outcome<unknown> } = {}) {
  const calls: unknown[] = [];
  const states = [...(options.states ?? ['ready'])];
  const api: PublishApi = {
    context: async () => options.context ?? { ok: true, data: CONTEXT },
    startAttachment: async (name, type, size) => {
      calls.push(['start', name, type, size]);
      return { ok: true, data: { attachment_id: 'A1', upload: { url: 'http://s3', fields: { key: 'k' } }, max_bytes: 1000 } };
    },
    attachment: async (id) => {
      const status = states.shift() ?? 'waiting';
      return { ok: true, data: { id, name: 'plan.pdf', status, reason: status === 'failed' ? 'The file is not a PDF.' : null, kind: null } };
    },
    publish: async (request) => {
      calls.push(['publish', request]);
      return (options.publish ?? { ok: true, data: { status: 'published', title: 'T' } }) as never;
    },
    ...noEvents,
  };
  return { api, calls };
}

const pdf = (size = 10, name = 'plan.pdf') => Object.assign(new Blob(['x'.repeat(size)], { type: 'application/pdf' }), { name });

describe('the token', () => {
  it('comes from the fragment, is kept for the tab and leaves the address bar', () => {
    const stored = new Map<string, string>();
    const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
    let cleared = false;

    expect(takeToken({ hash: '#abc.def' }, storage, () => (cleared = true))).toBe('abc.def');
    expect(cleared).toBe(true);
    expect(takeToken({ hash: '' }, storage, () => undefined)).toBe('abc.def');
  });
});

describe('PublishForm', () => {
  it('shows the refusal page the API names', async () => {
    const problem = problemFrom(403, { error: { code: 'link_refused', message: 'expired', fields: { link: 'expired' } } });
    const form = new PublishForm(fakeApi({ context: { ok: false, problem } }).api, async () => true);

    await form.load('a.b');

    expect(form.current).toMatchObject({ phase: 'refused', reason: 'expired' });
    expect(refusalOf(problemFrom(403, {}))).toBeNull();
  });

  it('without a token asks for the link', async () => {
    const form = new PublishForm(fakeApi().api, async () => true);
    await form.load(null);
    expect(form.current.phase).toBe('noLink');
  });

  it('starts in the commune language, on the only neighbourhood the link allows', async () => {
    const form = new PublishForm(fakeApi().api, async () => true);
    await form.load('a.b');

    expect(form.versions).toEqual([{ language: 'lb', title: '', body: '' }]);
    expect(form.targetKind).toBe('neighbourhoods');
    expect(form.chosen).toEqual(['0501-n1']);
    expect(form.category).toBe('works');
  });

  it('starts on "information" when the link allows it, not on the first category alphabetically', async () => {
    const categories: PublishContext['categories'] = ['consultation', 'event', 'information', 'works'];
    const form = new PublishForm(fakeApi({ context: { ok: true, data: { ...CONTEXT, categories } } }).api, async () => true);
    await form.load('a.b');

    expect(form.category).toBe('information');
  });

  it('uploads a file with progress, follows its check and sends it with the announcement', async () => {
    const timers = new ManualTimers();
    const { api, calls } = fakeApi({ states: ['waiting', 'ready'] });
    const form = new PublishForm(api, async (_upload, file, progress) => {
      progress(file.size / 2, file.size);
      return true;
    }, { timers });
    await form.load('a.b');

    const adding = form.addFiles([pdf()]);
    await flush();
    expect(form.files[0]?.state).toBe('checking');
    timers.advance(POLL_MS);
    await flush();
    expect(form.files[0]?.state).toBe('checking');
    timers.advance(POLL_MS);
    await adding;
    expect(form.files[0]?.state).toBe('ready');

    form.versions[0]!.title = 'Road closed';
    form.versions[0]!.body = 'All week';
    await form.submit();
    const sent = calls.find((c) => (c as unknown[])[0] === 'publish') as [string, { attachments: string[]; target: unknown }];
    expect(sent[1].attachments).toEqual(['A1']);
    expect(sent[1].target).toEqual({ kind: 'neighbourhoods', neighbourhoods: ['0501-n1'], circle: null });
    expect(form.current.phase).toBe('published');
  });

  it('shows the reason a refused file was deleted', async () => {
    const timers = new ManualTimers();
    const form = new PublishForm(fakeApi({ states: ['failed'] }).api, async () => true, { timers });
    await form.load('a.b');
    const adding = form.addFiles([pdf()]);
    await flush();
    timers.advance(POLL_MS);
    await adding;

    expect(form.files[0]).toMatchObject({ state: 'failed', reason: 'refused', detail: 'The file is not a PDF.' });
  });

  it('refuses too large or unknown files before uploading', async () => {
    const { api, calls } = fakeApi();
    const form = new PublishForm(api, async () => true);
    await form.load('a.b');

    await form.addFiles([pdf(2000), Object.assign(new Blob(['x']), { name: 'notes.txt' })]);

    expect(form.files.map((f) => f.reason)).toEqual(['tooLarge', 'type']);
    expect(calls).toEqual([]);
  });

  it('sends a circle with numbers and keeps field problems on the form', async () => {
    const problem = problemFrom(400, { error: { code: 'invalid_input', message: 'x', fields: { 'target.circle': 'reaches nobody' } } });
    const { api, calls } = fakeApi({ publish: { ok: false, problem } });
    const form = new PublishForm(api, async () => true);
    await form.load('a.b');
    form.targetKind = 'circle';
    form.setCircleCentre(50.054712, 6.031123);
    form.circle.radius = '600';

    await form.submit();

    const sent = calls.find((c) => (c as unknown[])[0] === 'publish') as [string, { target: unknown }];
    expect(sent[1].target).toEqual({ kind: 'circle', neighbourhoods: null, circle: { lat: 50.05471, lon: 6.03112, radius_m: 600 } });
    expect(form.problem?.fields['target.circle']).toBe('reaches nobody');
    expect(form.current.phase).toBe('ready');
  });
});

describe('attachmentType', () => {
  it('takes the browser type, else the extension', () => {
    expect(attachmentType({ name: 'a.PDF', type: '' })).toBe('application/pdf');
    expect(attachmentType({ name: 'x', type: 'image/png' })).toBe('image/png');
    expect(attachmentType({ name: 'notes.txt', type: 'text/plain' })).toBeNull();
  });
});
