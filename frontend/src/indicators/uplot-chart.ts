// Loaded on demand (dynamic import) by the staff's and ambassadors' charts only: uPlot stays out of residents' pages.
import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';

/** Each line's colour and dash: the dash and the legend's name tell lines apart where colour cannot. */
export const LINE_STYLES: readonly { colour: string; dash: number[] }[] = [
  { colour: '#0b5c55', dash: [] },
  { colour: '#b3470f', dash: [8, 4] },
  { colour: '#4a3a8c', dash: [2, 3] },
  { colour: '#5b5b00', dash: [12, 3, 2, 3] },
];

const STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000, 100_000];

export interface ChartData {
  /** Each week's Monday, in seconds. */
  x: number[];
  lines: { label: string; values: number[] }[];
  /** The reader's locale for Intl (dates on the axis). */
  locale: string;
}

export interface Chart {
  destroy(): void;
}

export function createChart(element: HTMLElement, data: ChartData): Chart {
  const day = new Intl.DateTimeFormat(data.locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(data.locale, { maximumFractionDigits: 1 });
  const width = () => Math.max(240, element.clientWidth);
  const chart = new uPlot(
    {
      width: width(),
      height: 220,
      legend: { show: false }, // the component draws its own legend, with each line's dash
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
      axes: [
        { values: (_u, splits) => splits.map((split) => day.format(new Date(split * 1000))), stroke: '#333' },
        // Whole steps: most lines count people or things (hours come in halves, still read on whole ticks)
        { values: (_u, splits) => splits.map((split) => number.format(split)), stroke: '#333', size: 48, incrs: STEPS },
      ],
      series: [
        {},
        ...data.lines.map((line, index) => {
          const style = LINE_STYLES[index % LINE_STYLES.length]!;
          return { label: line.label, stroke: style.colour, dash: style.dash, width: 2, points: { show: true, size: 5 } };
        }),
      ],
    },
    [data.x, ...data.lines.map((line) => line.values)],
    element,
  );
  const resizes = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.setSize({ width: width(), height: 220 }));
  resizes?.observe(element);
  return {
    destroy() {
      resizes?.disconnect();
      chart.destroy();
    },
  };
}
