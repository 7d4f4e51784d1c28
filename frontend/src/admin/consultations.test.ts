import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import type { Timers } from '../lib/debounce';
import type { Consultation, ConsultationAdminApi, ConsultationDraft } from './consultation-admin-api';
import { ConsultationEditor, ConsultationsAdmin, MAX_OPTIONS } from './consultations.svelte';

const LANGS = ['lb', 'fr'];

function consultation(overrides: Partial<Consultation> = {}): Consultation {
  return {
    id: 'C1', lau2: '0501', status: 'draft', state: 'draft', version: 1,
    title: { lb: 'Schoulplaz', fr: "Place de l'école" }, description: { lb: 'Eng Plaz', fr: 'Une place' },
    location_cell: null, location: null, neighbourhood_ids: ['n1'],
    opens_at: '2026-06-01T08:00:00Z', closes_at: '2026-06-30T20:00:00Z',
    questions: [{ id: 'q1', kind: 'rating', prompt: { lb: 'Gefält et?', fr: 'Ça plaît ?' }, options: [] }],
    documents: [], created_at: '2026-05-01T00:00:00Z', published_at: null,
    ...overrides,
  };
}

const now: Timers = { setTimeout: (callback) => (callback(), 0), clearTimeout: () => {} };

function fakeApi() {
  const calls = { created: [] as ConsultationDraft[], edited: [] as [ConsultationDraft, number][], published: [] as number[], gets: 0 };
  const api: ConsultationAdminApi = {
    list: async () => ({ ok: true, data: { consultations: [consultation()] } }),
    get: async () => {
      calls.gets += 1;
      const status = calls.gets < 2 ? 'waiting' : 'ready';
      return { ok: true, data: consultation({ documents: [{ id: 'D1', name: 'plan.pdf', size: 10, status, reason: null }] }) };
    },
    create: async (_lau2, draft) => {
      calls.created.push(draft);
      return { ok: true, data: consultation() };
    },
    edit: async (_lau2, _id, draft, version) => {
      calls.edited.push([draft, version]);
      return { ok: true, data: consultation({ version: version + 1 }) };
    },
    publish: async (_lau2, _id, version) => {
      calls.published.push(version);
      return { ok: true, data: consultation({ status: 'published', state: 'upcoming', version: version + 1 }) };
    },
    results: async () => ({ ok: false, problem: problemFrom(500, null) }),
    comments: async () => ({ ok: true, data: { comments: [] } }),
    startDocument: async () => ({
      ok: true,
      data: { document: { id: 'D1', name: 'plan.pdf', size: 10, status: 'waiting', reason: null }, upload: { url: 'https://s3', fields: {} }, max_bytes: 100 },
    }),
  };
  return { api, calls };
}

describe('ConsultationEditor', () => {
  it('starts with one single-choice question of two options, every text per language', () => {
    const editor = new ConsultationEditor(LANGS);
    expect(editor.title).toEqual({ lb: '', fr: '' });
    expect(editor.questions).toHaveLength(1);
    expect(editor.questions[0]?.options.map((o) => o.id)).toEqual(['o2', 'o3']);
  });

  it('gives options only to choice questions, at most ten, never fewer than two', () => {
    const editor = new ConsultationEditor(LANGS);
    editor.setKind(0, 'rating');
    expect(editor.questions[0]?.options).toEqual([]);
    editor.setKind(0, 'multiple');
    expect(editor.questions[0]?.options).toHaveLength(2);
    editor.removeOption(0, 0);
    expect(editor.questions[0]?.options).toHaveLength(2);
    for (let i = 0; i < 20; i++) editor.addOption(0);
    expect(editor.questions[0]?.options).toHaveLength(MAX_OPTIONS);
    const ids = editor.questions[0]?.options.map((o) => o.id) ?? [];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses missing dates and half a location before asking the API', () => {
    const editor = new ConsultationEditor(LANGS);
    editor.lat = '49.6';
    expect(editor.toDraft()).toEqual({
      ok: false,
      fields: { opens_at: 'missing', closes_at: 'missing', location: 'give both latitude and longitude, or neither' },
    });
    editor.opensAt = '2026-06-02T10:00';
    editor.closesAt = '2026-06-01T10:00';
    editor.lon = '6.1';
    expect(editor.toDraft()).toEqual({ ok: false, fields: { closes_at: 'before opening' } });
  });

  it('builds the request with trimmed texts, leaving blank languages for the API to name', () => {
    const editor = new ConsultationEditor(LANGS);
    editor.title = { lb: ' Plaz ', fr: '' };
    editor.opensAt = '2026-06-01T10:00';
    editor.closesAt = '2026-06-30T10:00';
    editor.toggleTarget('n2', true);
    editor.toggleTarget('n1', true);
    editor.toggleTarget('n2', false);
    const built = editor.toDraft();
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.draft.title).toEqual({ lb: 'Plaz' });
    expect(built.draft.neighbourhood_ids).toEqual(['n1']);
    expect(built.draft.location).toBeNull();
    expect(built.draft.questions[0]).toMatchObject({ id: 'q1', kind: 'single' });
  });

  it('takes a point picked on the map at 5 decimals, or typed with a decimal comma', () => {
    const editor = new ConsultationEditor(LANGS);
    expect(editor.point).toBeNull();
    editor.setPoint(49.611623456, 6.131912345);
    expect([editor.lat, editor.lon]).toEqual(['49.61162', '6.13191']);
    expect(editor.point).toEqual({ lat: 49.61162, lon: 6.13191 });
    editor.lat = '49,5';
    expect(editor.point).toEqual({ lat: 49.5, lon: 6.13191 });
  });

  it('refuses a location outside Luxembourg, as the API would', () => {
    const editor = new ConsultationEditor(LANGS);
    editor.opensAt = '2026-06-01T10:00';
    editor.closesAt = '2026-06-30T10:00';
    editor.setPoint(48.85, 2.35);
    expect(editor.toDraft()).toEqual({ ok: false, fields: { location: 'outside Luxembourg' } });
  });

  it('edits an existing consultation with its texts, dates and questions', () => {
    const editor = new ConsultationEditor(['lb', 'fr', 'de'], consultation());
    expect(editor.title).toEqual({ lb: 'Schoulplaz', fr: "Place de l'école", de: '' });
    expect(editor.version).toBe(1);
    editor.addQuestion('text');
    expect(editor.questions.map((q) => q.id)).toEqual(['q1', 'q2']);
  });
});

describe('ConsultationsAdmin', () => {
  it('creates, then edits with the version it got, then publishes', async () => {
    const { api, calls } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501');
    admin.startNew(LANGS);
    if (admin.current.view !== 'edit') throw new Error('editing');
    admin.current.editor.opensAt = '2026-06-01T10:00';
    admin.current.editor.closesAt = '2026-06-30T10:00';
    expect(await admin.save()).toBe(true);
    expect(calls.created).toHaveLength(1);
    expect(admin.news).toBe('saved');
    expect(await admin.save()).toBe(true);
    expect(calls.edited.map(([, version]) => version)).toEqual([1]);
    if (admin.current.view !== 'edit' || !admin.current.consultation) throw new Error('editing');
    await admin.publish(admin.current.consultation);
    expect(calls.published).toEqual([2]);
    expect(admin.news).toBe('published');
    expect(admin.current.consultation?.status).toBe('published');
  });

  it('sends the point picked on the map as the location', async () => {
    const { api, calls } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501');
    admin.startNew(LANGS);
    if (admin.current.view !== 'edit') throw new Error('editing');
    const editor = admin.current.editor;
    editor.opensAt = '2026-06-01T10:00';
    editor.closesAt = '2026-06-30T10:00';
    admin.pickLocation(49.6116, 6.1319);
    expect([editor.lat, editor.lon]).toEqual(['49.61160', '6.13190']);
    expect(await admin.save()).toBe(true);
    expect(calls.created[0]?.location).toEqual({ lat: 49.6116, lon: 6.1319 });
  });

  it('clears the location of an existing consultation: the edit sends none', async () => {
    const { api, calls } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501');
    admin.edit(consultation({ location_cell: '891fb466257ffff', location: { lat: 49.61, lon: 6.13 } }), LANGS);
    if (admin.current.view !== 'edit') throw new Error('editing');
    expect(admin.current.editor.point).toEqual({ lat: 49.61, lon: 6.13 });
    admin.clearLocation();
    expect([admin.current.editor.lat, admin.current.editor.lon]).toEqual(['', '']);
    expect(await admin.save()).toBe(true);
    expect(calls.edited).toHaveLength(1);
    expect(calls.edited[0]?.[0].location).toBeNull();
  });

  it('forgets a location problem once a point is picked or the location cleared', async () => {
    const { api } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501');
    admin.startNew(LANGS);
    if (admin.current.view !== 'edit') throw new Error('editing');
    admin.current.editor.lat = '49.6';
    expect(await admin.save()).toBe(false);
    expect(admin.formFields).toMatchObject({ opens_at: 'missing', location: 'give both latitude and longitude, or neither' });
    admin.clearLocation();
    expect(admin.formFields).toEqual({ opens_at: 'missing', closes_at: 'missing' });
    admin.current.editor.lon = '6.1';
    expect(await admin.save()).toBe(false);
    expect(admin.formFields.location).toBeDefined();
    admin.pickLocation(49.6, 6.1);
    expect(admin.formFields.location).toBeUndefined();
  });

  it('shows the form problems and does not call the API', async () => {
    const { api, calls } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501');
    admin.startNew(LANGS);
    expect(await admin.save()).toBe(false);
    expect(admin.formFields).toMatchObject({ opens_at: 'missing' });
    expect(calls.created).toEqual([]);
  });

  it('keeps the API refusal to show it', async () => {
    const { api } = fakeApi();
    api.create = async () => ({ ok: false, problem: problemFrom(400, { error: { code: 'invalid_input', message: 'x', fields: { 'title.fr': 'missing' } } }) });
    const admin = new ConsultationsAdmin(api, '0501');
    admin.startNew(LANGS);
    if (admin.current.view !== 'edit') throw new Error('editing');
    admin.current.editor.opensAt = '2026-06-01T10:00';
    admin.current.editor.closesAt = '2026-06-30T10:00';
    await admin.save();
    expect(admin.problem?.fields).toEqual({ 'title.fr': 'missing' });
  });

  it('uploads a PDF with progress and follows its check until ready', async () => {
    const { api } = fakeApi();
    const seen: number[] = [];
    const admin = new ConsultationsAdmin(api, '0501', {
      timers: now,
      upload: async (_upload, _file, onProgress) => {
        onProgress(40);
        if (admin.upload.state === 'uploading') seen.push(admin.upload.percent);
        onProgress(100);
        return true;
      },
    });
    admin.edit(consultation(), LANGS);
    await admin.uploadDocument(Object.assign(new Blob(['%PDF-1.7']), { name: 'plan.pdf' }));
    expect(seen).toEqual([40]);
    expect(admin.upload).toEqual({ state: 'done', name: 'plan.pdf', status: 'ready', reason: null });
    if (admin.current.view !== 'edit') throw new Error('editing');
    expect(admin.current.consultation?.documents.map((d) => d.status)).toEqual(['ready']);
  });

  it('says the upload failed when storage refuses it', async () => {
    const { api } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501', { timers: now, upload: async () => false });
    admin.edit(consultation(), LANGS);
    await admin.uploadDocument(Object.assign(new Blob(['x']), { name: 'plan.pdf' }));
    expect(admin.upload).toEqual({ state: 'failed', name: 'plan.pdf', problem: null });
  });

  it('loads results and comments side by side, each with its own problem', async () => {
    const { api } = fakeApi();
    const admin = new ConsultationsAdmin(api, '0501');
    await admin.showResults(consultation());
    expect(admin.current).toMatchObject({ view: 'results', results: { state: 'failed' }, comments: { state: 'ready', value: [] } });
  });
});
