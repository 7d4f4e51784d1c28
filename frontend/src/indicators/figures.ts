import { intlLocale } from '../i18n/format';
import type { Locale } from '../i18n/locales';
import type { Dashboard, Figure, Period, WeekPoint } from './indicators-api';

/** The figures the web app names (docs/indicators.md defines each; the CSV and the report carry them all). */
export type FigureName =
  | 'verified'
  | 'households'
  | 'adoption'
  | 'new_verified'
  | 'weekly_active'
  | 'weekly_active_share'
  | 'households_active_share'
  | 'posts'
  | 'comments'
  | 'messages'
  | 'exchanges'
  | 'volunteer_actions'
  | 'volunteer_hours'
  | 'help_answered_48h_share'
  | 'first_answer_median_hours'
  | 'help_solved_share'
  | 'thanks_per_post'
  | 'loans_on_time_share'
  | 'reports_per_1000_posts'
  | 'posts_hidden_share'
  | 'appeals_upheld_share'
  | 'newcomers_welcomed_share';

/** The headline numbers, as the API's public figures (chalicelib/indicators/service.py HEADLINE). */
export const HEADLINE: readonly FigureName[] = [
  'verified',
  'households',
  'adoption',
  'weekly_active',
  'weekly_active_share',
  'households_active_share',
  'posts',
  'messages',
  'exchanges',
  'volunteer_actions',
  'volunteer_hours',
  'help_answered_48h_share',
  'help_solved_share',
];

/** The quality of exchanges: proxies, each a share, a ratio or a time. */
export const QUALITY: readonly FigureName[] = [
  'help_answered_48h_share',
  'first_answer_median_hours',
  'help_solved_share',
  'thanks_per_post',
  'loans_on_time_share',
  'reports_per_1000_posts',
  'posts_hidden_share',
  'appeals_upheld_share',
  'newcomers_welcomed_share',
];

/** The dashboard's headline cards: the headline numbers, then the quality proxies not among them. */
export const CARDS: readonly FigureName[] = [...HEADLINE, ...QUALITY.filter((name) => !HEADLINE.includes(name))];

/** The per-neighbourhood table's columns: the headline numbers, adoption first (the map shows it too). */
export const TABLE: readonly FigureName[] = ['adoption', ...HEADLINE.filter((name) => !['adoption', 'weekly_active_share', 'households_active_share'].includes(name))];

/** The weekly trend charts: each a few of the series' figures (WeekPoint.figures). */
export const CHARTS: readonly { id: 'people' | 'exchanges' | 'volunteering'; lines: readonly FigureName[] }[] = [
  { id: 'people', lines: ['weekly_active', 'new_verified'] },
  { id: 'exchanges', lines: ['posts', 'comments', 'messages', 'exchanges'] },
  { id: 'volunteering', lines: ['volunteer_actions', 'volunteer_hours'] },
];

type Kind = 'count' | 'share' | 'hours' | 'ratio';

export function kindOf(name: FigureName): Kind {
  if (name.endsWith('_share') || name === 'adoption') return 'share';
  if (name === 'first_answer_median_hours') return 'hours';
  if (name === 'thanks_per_post' || name === 'reports_per_1000_posts') return 'ratio';
  return 'count';
}

/** A figure's value as read: 42, 12.5 %, 6 h, 0.35. Null (undefined or hidden) is the caller's to say. */
export function formatValue(name: FigureName, value: number, locale: Locale): string {
  const where = intlLocale(locale);
  switch (kindOf(name)) {
    case 'share':
      return new Intl.NumberFormat(where, { style: 'percent', maximumFractionDigits: 1 }).format(value);
    case 'hours':
      return new Intl.NumberFormat(where, { style: 'unit', unit: 'hour', unitDisplay: 'short' }).format(value);
    default:
      return new Intl.NumberFormat(where, { maximumFractionDigits: 2 }).format(value);
  }
}

/** The change since the previous period, signed: +3, −1.5, +2.5 points for a share; null: none to show. */
export function formatChange(
  name: FigureName,
  change: number | null,
  locale: Locale,
): { text: string; direction: 'up' | 'down' | 'same'; points: boolean } | null {
  if (change === null) return null;
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'same';
  const share = kindOf(name) === 'share';
  const text = new Intl.NumberFormat(intlLocale(locale), { signDisplay: 'exceptZero', maximumFractionDigits: share ? 1 : 2 }).format(
    share ? change * 100 : change,
  );
  return { text, direction, points: share };
}

/** What a cell shows: the value, "fewer than 5" (hidden) or a dash (no denominator), as a kind the screen translates. */
export type Cell = { kind: 'value'; text: string } | { kind: 'hidden' } | { kind: 'none' };

export function cellOf(name: FigureName, figure: Figure | undefined, locale: Locale): Cell {
  if (!figure || figure.suppressed) return figure?.suppressed ? { kind: 'hidden' } : { kind: 'none' };
  return figure.value === null ? { kind: 'none' } : { kind: 'value', text: formatValue(name, figure.value, locale) };
}

/** Adoption bands of the choropleth: each its colour and its pattern-free label (the table and labels say the value). */
export const ADOPTION_BANDS = [
  { below: 0.05, colour: '#e3f1ef' },
  { below: 0.15, colour: '#a9d6cf' },
  { below: 0.3, colour: '#5faea3' },
  { below: 0.5, colour: '#1f7f74' },
  { below: Number.POSITIVE_INFINITY, colour: '#0b4a44' },
] as const;

/** The band of an adoption share (null: hidden or undefined, drawn without fill). */
export function adoptionBand(value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return ADOPTION_BANDS.findIndex((band) => value < band.below);
}

/** A band's range as read, e.g. "15 %–30 %". */
export function bandRange(index: number, locale: Locale): string {
  const percent = (value: number) => new Intl.NumberFormat(intlLocale(locale), { style: 'percent', maximumFractionDigits: 0 }).format(value);
  const low = index === 0 ? 0 : ADOPTION_BANDS[index - 1]!.below;
  const high = ADOPTION_BANDS[index]!.below;
  return Number.isFinite(high) ? `${percent(low)}–${percent(high)}` : `≥ ${percent(low)}`;
}

/** A chart's data: the weeks' starts (seconds, for uPlot) and one row of values per line. */
export function seriesOf(series: readonly WeekPoint[], lines: readonly FigureName[]): { weeks: string[]; x: number[]; y: number[][] } {
  return {
    weeks: series.map((point) => point.week),
    x: series.map((point) => Date.parse(`${point.start}T00:00:00Z`) / 1000),
    y: lines.map((line) => series.map((point) => point.figures[line] ?? 0)),
  };
}

/** The years a report can be asked for: this one back to the first with Noper (2024), newest first. */
export function reportYears(today: Date, first = 2024): number[] {
  const years: number[] = [];
  for (let year = today.getFullYear(); year >= first; year -= 1) years.push(year);
  return years;
}

export const PERIODS: readonly Period[] = ['week', 'month', 'year'];

/** The files' names, as the API's Content-Disposition gives them. */
export function csvFilename(lau2: string, board: Pick<Dashboard, 'period' | 'start'>): string {
  return `noper-indicators-${lau2}-${board.period}-${board.start}.csv`;
}

export function reportFilename(lau2: string, year: number): string {
  return `noper-report-${lau2}-${year}.pdf`;
}

/** A day of the API (yyyy-mm-dd) as read, e.g. 26 Oct 2026. */
export function formatDay(day: string, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}
