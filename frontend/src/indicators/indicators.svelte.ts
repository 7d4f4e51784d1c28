import type { Outcome } from '../api/outcome';
import type { Loading } from '../communes/commune-page.svelte';
import { Download } from '../lib/download.svelte';
import { emptyCollection, type NeighbourhoodCollection } from '../map/neighbourhood-geojson';
import type { Dashboard, IndicatorsApi, Period, PeriodChoice, PublicIndicators, PublicIndicatorsApi } from './indicators-api';

/** One place's figures over a chosen period (the commune's for staff, a neighbourhood's for its ambassadors): state, no DOM. */
export class IndicatorsView {
  period: Period = $state('month');
  /** A day in the period shown (yyyy-mm-dd); empty: the current period. */
  to = $state('');
  board: Loading<Dashboard> = $state({ state: 'loading' });
  #asked = 0;

  constructor(private readonly read: (choice: PeriodChoice) => Promise<Outcome<Dashboard>>) {}

  get choice(): PeriodChoice {
    return { period: this.period, to: this.to || null };
  }

  /** Shows the period chosen; an answer overtaken by a later choice is dropped. */
  async load(): Promise<void> {
    const asked = ++this.#asked;
    const outcome = await this.read(this.choice);
    if (asked !== this.#asked) return;
    this.board = outcome.ok ? { state: 'ready', value: outcome.data } : { state: 'failed', problem: outcome.problem };
  }

  async choose(period: Period, to: string): Promise<void> {
    this.period = period;
    this.to = to;
    await this.load();
  }
}

/** The staff's dashboard: the commune's figures, its outlines for the map, the CSV and the yearly report. */
export class StaffDashboard {
  readonly view: IndicatorsView;
  shapes: NeighbourhoodCollection = $state(emptyCollection());
  readonly csv = new Download();
  readonly report = new Download();
  year = $state(new Date().getFullYear());

  constructor(
    private readonly api: IndicatorsApi,
    readonly lau2: string,
    today: Date = new Date(),
  ) {
    this.view = new IndicatorsView((choice) => api.dashboard(lau2, choice));
    this.year = today.getFullYear();
  }

  async load(): Promise<void> {
    const [, shapes] = await Promise.all([this.view.load(), this.api.shapes(this.lau2)]);
    if (shapes.ok) this.shapes = shapes.data; // without outlines the table still says everything
  }

  /** The CSV of the period shown, or null (its problem is on `csv`). */
  downloadCsv(): Promise<Blob | null> {
    const choice = this.view.choice;
    return this.csv.run(() => this.api.csv(this.lau2, choice));
  }

  downloadReport(): Promise<Blob | null> {
    const year = this.year;
    return this.report.run(() => this.api.report(this.lau2, year));
  }
}

/** The commune's published headline figures on its public page (asked only when the commune publishes them). */
export class PublicFigures {
  figures: Loading<PublicIndicators> = $state({ state: 'loading' });

  constructor(
    private readonly api: PublicIndicatorsApi,
    private readonly lau2: string,
  ) {}

  async load(): Promise<void> {
    const outcome = await this.api(this.lau2);
    this.figures = outcome.ok ? { state: 'ready', value: outcome.data } : { state: 'failed', problem: outcome.problem };
  }
}
