import { describe, expect, it } from 'vitest';
import { problemFrom } from '../api/problem';
import {
  adoptionBand,
  bandRange,
  cellOf,
  csvFilename,
  formatChange,
  formatValue,
  reportYears,
  seriesOf,
} from './figures';
import type { Dashboard, IndicatorsApi, PeriodChoice } from './indicators-api';
import { IndicatorsView, PublicFigures, StaffDashboard } from './indicators.svelte';

const figure = (value: number | null, suppressed = false, previous: number | null = null) => ({
  value,
  suppressed,
  previous,
  change: value !== null && previous !== null ? value - previous : null,
});

const board = (period: Dashboard['period'] = 'month', start = '2026-10-26'): Dashboard => ({
  lau2: '0501',
  period,
  start,
  end: '2026-11-29',
  previous_start: '2026-09-28',
  previous_end: '2026-10-25',
  threshold: 5,
  commune: { verified: figure(40, false, 30) },
  neighbourhoods: [{ id: 'n1', name: 'Centre', address_count: 120, figures: { verified: figure(null, true) } }],
  series: [
    { week: '2026-W47', start: '2026-11-16', figures: { weekly_active: 12, posts: 3 } },
    { week: '2026-W48', start: '2026-11-23', figures: { weekly_active: 15, posts: 5 } },
  ],
  groups: { users: ['verified'] },
});

function fakeApi(fails = false) {
  const asked: string[] = [];
  const api: IndicatorsApi = {
    dashboard: async (lau2, choice: PeriodChoice) => {
      asked.push(`dashboard ${lau2} ${choice.period} ${choice.to ?? '-'}`);
      return fails ? { ok: false, problem: problemFrom(404, { error: { message: 'no' } }, null) } : { ok: true, data: board(choice.period) };
    },
    shapes: async (lau2) => {
      asked.push(`shapes ${lau2}`);
      return { ok: true, data: { type: 'FeatureCollection', features: [] } };
    },
    csv: async (lau2, choice) => {
      asked.push(`csv ${lau2} ${choice.period} ${choice.to ?? '-'}`);
      return { ok: true, data: new Blob(['\ufeffneighbourhood_id']) };
    },
    report: async (lau2, year) => {
      asked.push(`report ${lau2} ${year}`);
      return fails ? { ok: false, problem: problemFrom(400, { error: { message: 'bad year' } }, null) } : { ok: true, data: new Blob(['%PDF']) };
    },
  };
  return { api, asked };
}

describe('figures', () => {
  it('reads shares as percentages, hours with their unit and counts as numbers', () => {
    expect(formatValue('adoption', 0.125, 'en')).toBe('12.5%');
    expect(formatValue('first_answer_median_hours', 6, 'en')).toBe('6 hr');
    expect(formatValue('posts', 1234, 'en')).toBe('1,234');
  });

  it('signs the change since the previous period, a share in points', () => {
    expect(formatChange('posts', 3, 'en')).toEqual({ text: '+3', direction: 'up', points: false });
    expect(formatChange('adoption', -0.025, 'en')).toEqual({ text: '-2.5', direction: 'down', points: true });
    expect(formatChange('posts', 0, 'en')).toEqual({ text: '0', direction: 'same', points: false });
    expect(formatChange('posts', null, 'en')).toBeNull();
  });

  it('tells a hidden figure ("fewer than 5") from an undefined one', () => {
    expect(cellOf('verified', figure(null, true), 'en')).toEqual({ kind: 'hidden' });
    expect(cellOf('adoption', figure(null), 'en')).toEqual({ kind: 'none' });
    expect(cellOf('adoption', undefined, 'en')).toEqual({ kind: 'none' });
    expect(cellOf('verified', figure(7), 'en')).toEqual({ kind: 'value', text: '7' });
  });

  it('puts adoption in bands, hidden ones in none', () => {
    expect(adoptionBand(0)).toBe(0);
    expect(adoptionBand(0.2)).toBe(2);
    expect(adoptionBand(0.9)).toBe(4);
    expect(adoptionBand(null)).toBeNull();
    expect(bandRange(1, 'en')).toBe('5%–15%');
    expect(bandRange(4, 'en')).toBe('≥ 50%');
  });

  it("makes a chart's rows from the weekly series", () => {
    expect(seriesOf(board().series, ['weekly_active', 'posts'])).toEqual({
      weeks: ['2026-W47', '2026-W48'],
      x: [Date.UTC(2026, 10, 16) / 1000, Date.UTC(2026, 10, 23) / 1000],
      y: [
        [12, 15],
        [3, 5],
      ],
    });
  });

  it('offers the years since 2024, newest first, and names the CSV as the API does', () => {
    expect(reportYears(new Date('2026-12-07T00:00:00Z'))).toEqual([2026, 2025, 2024]);
    expect(csvFilename('0501', { period: 'month', start: '2026-10-26' })).toBe('noper-indicators-0501-month-2026-10-26.csv');
  });
});

describe('StaffDashboard', () => {
  it('loads the current month and the outlines, then the period chosen', async () => {
    const { api, asked } = fakeApi();
    const dashboard = new StaffDashboard(api, '0501', new Date('2026-12-07T00:00:00Z'));
    await dashboard.load();
    expect(dashboard.view.board.state).toBe('ready');
    await dashboard.view.choose('year', '2025-06-01');
    expect(asked).toEqual(['dashboard 0501 month -', 'shapes 0501', 'dashboard 0501 year 2025-06-01']);
    expect(dashboard.view.board.state === 'ready' && dashboard.view.board.value.period).toBe('year');
    expect(dashboard.year).toBe(2026);
  });

  it('downloads the CSV of the period shown and the report of the year chosen', async () => {
    const { api, asked } = fakeApi();
    const dashboard = new StaffDashboard(api, '0501', new Date('2026-12-07T00:00:00Z'));
    await dashboard.view.choose('week', '');
    expect(await dashboard.downloadCsv()).toBeInstanceOf(Blob);
    dashboard.year = 2025;
    expect(await dashboard.downloadReport()).toBeInstanceOf(Blob);
    expect(asked.slice(1)).toEqual(['csv 0501 week -', 'report 0501 2025']);
    expect(dashboard.report.ready).toBe(true);
  });

  it('keeps the problem of a refused dashboard or report', async () => {
    const { api } = fakeApi(true);
    const dashboard = new StaffDashboard(api, '0501');
    await dashboard.load();
    expect(dashboard.view.board.state === 'failed' && dashboard.view.board.problem.status).toBe(404);
    expect(await dashboard.downloadReport()).toBeNull();
    expect(dashboard.report.problem?.status).toBe(400);
  });
});

describe('IndicatorsView', () => {
  it('drops an answer overtaken by a later choice', async () => {
    const answers: ((value: { ok: true; data: Dashboard }) => void)[] = [];
    const view = new IndicatorsView(() => new Promise((resolve) => answers.push(resolve)));
    const first = view.choose('week', '');
    const second = view.choose('year', '');
    answers[1]!({ ok: true, data: board('year') });
    await second;
    answers[0]!({ ok: true, data: board('week') });
    await first;
    expect(view.board.state === 'ready' && view.board.value.period).toBe('year');
  });
});

describe('PublicFigures', () => {
  it("shows the commune's published figures, or the API's refusal", async () => {
    const published = new PublicFigures(
      async (lau2) => ({
        ok: true,
        data: { lau2, name: 'Clervaux', start: '2026-09-07', end: '2026-11-29', neighbourhoods: 3, threshold: 5, figures: { verified: 40 } },
      }),
      '0501',
    );
    await published.load();
    expect(published.figures.state === 'ready' && published.figures.value.figures.verified).toBe(40);
    const hidden = new PublicFigures(async () => ({ ok: false, problem: problemFrom(404, { error: { message: 'not published' } }, null) }), '0501');
    await hidden.load();
    expect(hidden.figures.state).toBe('failed');
  });
});
