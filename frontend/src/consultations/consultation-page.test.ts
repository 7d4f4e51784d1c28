import { describe, expect, it } from 'vitest';
import type { Outcome } from '../api/outcome';
import { problemFrom } from '../api/problem';
import { pickLanguage, pickText, type AnswerValue, type ConsultationApi, type Question, type ResidentView } from './consultation-api';
import { ConsultationPage, ConsultationShelf } from './consultation-page.svelte';

const texts = (text: string) => ({ fr: `${text} (fr)`, de: `${text} (de)` });
const single: Question = { id: 'trees', kind: 'single', prompt: texts('Trees?'), options: [{ id: 'yes', label: texts('Yes') }, { id: 'no', label: texts('No') }] };
const multiple: Question = {
  id: 'uses',
  kind: 'multiple',
  prompt: texts('Uses?'),
  options: [{ id: 'play', label: texts('Play') }, { id: 'market', label: texts('Market') }, { id: 'rest', label: texts('Rest') }],
};
const rating: Question = { id: 'overall', kind: 'rating', prompt: texts('Like it?'), options: [] };
const text: Question = { id: 'ideas', kind: 'text', prompt: texts('Ideas?'), options: [] };

function view(state: 'open' | 'closed', mine: Record<string, AnswerValue> | null = null): ResidentView {
  return {
    consultation: {
      id: 'C1', lau2: '0501', status: 'published', state, version: 2, title: texts('Square'), description: texts('A square'),
      location_cell: null, location: null, neighbourhood_ids: ['n1'], opens_at: '2026-01-01T00:00:00Z', closes_at: '2026-02-01T00:00:00Z',
      questions: [single, multiple, rating, text], documents: [], created_at: '2025-12-01T00:00:00Z', published_at: '2025-12-02T00:00:00Z',
    },
    my_answers: mine,
    answered_at: mine ? '2026-01-02T00:00:00Z' : null,
    results_available: state === 'closed',
  };
}

function fakeApi(initial: ResidentView, answer?: Outcome<ResidentView>) {
  const calls = { answers: [] as Record<string, AnswerValue>[], results: 0, comments: [] as string[] };
  const api: ConsultationApi = {
    list: async () => ({ ok: true, data: { consultations: [] } }),
    get: async () => ({ ok: true, data: initial }),
    answer: async (_n, _id, answers) => {
      calls.answers.push(answers);
      return answer ?? { ok: true, data: { ...initial, my_answers: answers, answered_at: '2026-01-03T00:00:00Z' } };
    },
    comments: async () => ({ ok: true, data: { comments: [] } }),
    comment: async (_n, _id, body) => {
      calls.comments.push(body);
      return { ok: true, data: { id: 'K1', author_name: 'Anna', neighbourhood_id: 'n1', text: body, created_at: '2026-01-03T00:00:00Z', mine: true } };
    },
    results: async () => {
      calls.results += 1;
      return { ok: false, problem: problemFrom(500, null) };
    },
    document: async () => ({ ok: true, data: { url: 'https://s3/doc', name: 'plan.pdf' } }),
  };
  return { api, calls };
}

describe('ConsultationPage', () => {
  it('starts from my saved answers and sends only the answered questions', async () => {
    const { api, calls } = fakeApi(view('open', { trees: 'no' }));
    const page = new ConsultationPage(api, 'n1', 'C1');
    await page.load();
    expect(page.open).toBe(true);
    expect(page.answers).toEqual({ trees: 'no' });
    page.choose(single, 'yes');
    page.toggle(multiple, 'rest', true);
    page.toggle(multiple, 'play', true);
    page.toggle(multiple, 'rest', false);
    page.rate(rating, 4);
    page.write(text, '   ');
    await page.submit();
    expect(calls.answers).toEqual([{ trees: 'yes', uses: ['play'], overall: 4 }]);
    expect(page.news).toEqual({ state: 'saved', first: false });
    expect(calls.results).toBe(0);
  });

  it('keeps the options of a multiple choice in the order shown', async () => {
    const page = new ConsultationPage(fakeApi(view('open')).api, 'n1', 'C1');
    await page.load();
    page.toggle(multiple, 'rest', true);
    page.toggle(multiple, 'play', true);
    expect(page.answers.uses).toEqual(['play', 'rest']);
    page.toggle(multiple, 'play', false);
    page.toggle(multiple, 'rest', false);
    expect(page.payload()).toEqual({});
  });

  it('says so when nothing is answered, without calling the API', async () => {
    const { api, calls } = fakeApi(view('open'));
    const page = new ConsultationPage(api, 'n1', 'C1');
    await page.load();
    await page.submit();
    expect(page.news).toEqual({ state: 'empty' });
    expect(calls.answers).toEqual([]);
  });

  it('puts the API reason next to the question it names', async () => {
    const refused = problemFrom(400, { error: { code: 'invalid_input', message: 'Check', fields: { 'answers.overall': 'a rating from 1 to 5' } } });
    const page = new ConsultationPage(fakeApi(view('open'), { ok: false, problem: refused }).api, 'n1', 'C1');
    await page.load();
    page.rate(rating, 4);
    await page.submit();
    expect(page.problemFor('overall')).toBe('a rating from 1 to 5');
    expect(page.problemFor('trees')).toBeNull();
    expect(page.saving).toBe(false);
  });

  it('a first answer is announced as such', async () => {
    const page = new ConsultationPage(fakeApi(view('open')).api, 'n1', 'C1');
    await page.load();
    page.write(text, ' Benches ');
    await page.submit();
    expect(page.news).toEqual({ state: 'saved', first: true });
    expect(page.answers).toEqual({ ideas: 'Benches' });
  });

  it('asks for the results once it has closed, and shows their problem', async () => {
    const { api, calls } = fakeApi(view('closed', { trees: 'yes' }));
    const page = new ConsultationPage(api, 'n1', 'C1');
    await page.load();
    expect(page.open).toBe(false);
    expect(calls.results).toBe(1);
    expect(page.results).toMatchObject({ state: 'failed', problem: { kind: 'server' } });
  });

  it('a comment goes on top of the list and clears the box', async () => {
    const { api, calls } = fakeApi(view('open'));
    const page = new ConsultationPage(api, 'n1', 'C1');
    await page.load();
    page.commentText = '  Keep the lime tree ';
    await page.sendComment();
    expect(calls.comments).toEqual(['Keep the lime tree']);
    expect(page.commentText).toBe('');
    expect(page.comments).toMatchObject({ state: 'ready', value: [{ text: 'Keep the lime tree', mine: true }] });
  });

  it('a consultation that does not ask this neighbourhood fails to load', async () => {
    const { api } = fakeApi(view('open'));
    api.get = async () => ({ ok: false, problem: problemFrom(404, null) });
    const page = new ConsultationPage(api, 'n2', 'C1');
    await page.load();
    expect(page.view).toMatchObject({ state: 'failed', problem: { kind: 'notFound' } });
  });
});

describe('ConsultationShelf', () => {
  it('lists what the API gives for the neighbourhood in the language', async () => {
    const { api } = fakeApi(view('open'));
    const asked: string[] = [];
    api.list = async (n, lang) => {
      asked.push(`${n}:${lang}`);
      return { ok: true, data: { consultations: [{ id: 'C1', title: 'Square', language: 'fr', opens_at: '', closes_at: '', state: 'open' }] } };
    };
    const shelf = new ConsultationShelf(api, 'n1');
    await shelf.load('fr');
    expect(asked).toEqual(['n1:fr']);
    expect(shelf.list).toMatchObject({ state: 'ready', value: [{ id: 'C1' }] });
  });
});

describe('pickText', () => {
  it('takes the reader language, then the fallbacks, then any', () => {
    expect(pickText({ fr: 'Place', de: 'Platz' }, 'de')).toBe('Platz');
    expect(pickText({ fr: 'Place', de: 'Platz' }, 'pt', ['de', 'fr'])).toBe('Platz');
    expect(pickText({ pt: 'Praça' }, 'en', ['fr'])).toBe('Praça');
    expect(pickLanguage({ fr: 'Place' }, 'en', ['fr'])).toBe('fr');
    expect(pickText({}, 'en')).toBe('');
  });
});
