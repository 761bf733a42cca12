import { max } from 'd3-array';
import { scaleBand, scaleLinear } from 'd3-scale';
import { area, line } from 'd3-shape';
import { escapeHtml } from '../../shared/html.ts';

/**
 * The dashboard's and the open statistics' charts: SVG drawn on the server (no JavaScript),
 * positions from d3-scale and lines from d3-shape. Each has an accessible name and
 * description (role="img", <title> and <desc> by aria-labelledby), scales to its column
 * through its viewBox (readable on a 390 px phone: the drawing is about that wide, so text
 * stays near its set size), takes its colours and type from app.scss classes (no style
 * attributes: the CSP forbids them), and is always followed by a table of the same data.
 * Pure: from data to markup.
 */
export interface ChartDatum {
  label: string;
  /** Null: withheld (a small number in the open statistics); drawn as no bar, with its text. */
  value: number | null;
  /** What the reader is told for this value: "12", "fewer than 5". */
  text: string;
}

export interface ChartSpec {
  /** Unique on the page: the chart's title and description ids derive from it. */
  id: string;
  title: string;
  description: string;
  data: readonly ChartDatum[];
}

const WIDTH = 400;
const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

function frame(spec: ChartSpec, height: number, body: string): string {
  const id = escapeHtml(spec.id);
  return (
    `<svg class="app-figure-chart" id="${id}" viewBox="0 0 ${WIDTH} ${f1(height)}" width="100%" ` +
    `preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">` +
    `<title id="${id}-title">${escapeHtml(spec.title)}</title><desc id="${id}-desc">${escapeHtml(spec.description)}</desc>` +
    body +
    `</svg>`
  );
}

/**
 * Horizontal bars, one per category, each with its name above it and its figure at its end:
 * long names (providers, states) stay whole on a narrow screen.
 */
export function barChart(spec: ChartSpec): string {
  const row = 44;
  const height = Math.max(1, spec.data.length) * row + 8;
  const valueSpace = 90;
  const y = scaleBand<number>()
    .domain(spec.data.map((_, i) => i))
    .range([4, height - 4]);
  const x = scaleLinear()
    .domain([0, Math.max(1, max(spec.data, (d) => d.value ?? 0) ?? 0)])
    .range([0, WIDTH - valueSpace]);
  const bars = spec.data
    .map((d, i) => {
      const top = y(i)!;
      const barTop = top + 20;
      const w = d.value === null ? 0 : x(d.value);
      const bar =
        d.value === null
          ? ''
          : `<rect class="app-figure-chart__bar" x="${x(0)}" y="${f1(barTop)}" width="${f1(Math.max(w, d.value > 0 ? 2 : 0))}" height="16"/>`;
      const valueClass =
        d.value === null ? 'app-figure-chart__value app-figure-chart__value--withheld' : 'app-figure-chart__value';
      return (
        `<g class="app-figure-chart__row">` +
        `<text class="app-figure-chart__label" x="0" y="${f1(top + 14)}">${escapeHtml(d.label)}</text>` +
        bar +
        `<text class="${valueClass}" x="${f1(w + 6)}" y="${f1(barTop + 13)}">${escapeHtml(d.text)}</text>` +
        `</g>`
      );
    })
    .join('');
  const axis = `<line class="app-figure-chart__axis" x1="0" y1="4" x2="0" y2="${f1(height - 4)}"/>`;
  return frame(spec, height, axis + bars);
}

/**
 * A monthly series as a line over a shaded area, with a point each month and a few month
 * names along the bottom. Withheld months break the line.
 */
export function monthChart(spec: ChartSpec): string {
  const height = 220;
  const margin = { top: 12, right: 12, bottom: 34, left: 44 };
  const x = scaleBand<number>()
    .domain(spec.data.map((_, i) => i))
    .range([margin.left, WIDTH - margin.right])
    .padding(0.1);
  const y = scaleLinear()
    .domain([0, Math.max(1, max(spec.data, (d) => d.value ?? 0) ?? 0)])
    .nice(4)
    .range([height - margin.bottom, margin.top]);
  const cx = (i: number) => x(i)! + x.bandwidth() / 2;
  const points = spec.data.map((d, i) => ({ i, d }));
  const defined = (p: { d: ChartDatum }) => p.d.value !== null;
  const linePath = line<{ i: number; d: ChartDatum }>()
    .defined(defined)
    .x((p) => cx(p.i))
    .y((p) => y(p.d.value ?? 0))(points);
  const areaPath = area<{ i: number; d: ChartDatum }>()
    .defined(defined)
    .x((p) => cx(p.i))
    .y0(y(0))
    .y1((p) => y(p.d.value ?? 0))(points);
  const ticks = y
    .ticks(4)
    .filter(Number.isInteger)
    .map(
      (t) =>
        `<line class="app-figure-chart__grid" x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${f1(y(t))}" y2="${f1(y(t))}"/>` +
        `<text class="app-figure-chart__tick" x="${margin.left - 6}" y="${f1(y(t) + 4)}" text-anchor="end">${t.toLocaleString('en-GB')}</text>`,
    )
    .join('');
  // Four or five month names fit a phone's width.
  const every = Math.max(1, Math.ceil(spec.data.length / 4));
  // Names centred under their month; ended at the right edge so none is cut off.
  const anchor = (x: number) => (x > WIDTH - 40 ? 'end' : 'middle');
  const names = spec.data
    .map((d, i) =>
      i % every === 0
        ? `<text class="app-figure-chart__tick" x="${f1(cx(i))}" y="${height - margin.bottom + 18}" text-anchor="${anchor(cx(i))}">${escapeHtml(shortMonth(d.label))}</text>`
        : '',
    )
    .join('');
  const dots = points
    .filter(defined)
    .map(
      (p) =>
        `<circle class="app-figure-chart__point" cx="${f1(cx(p.i))}" cy="${f1(y(p.d.value ?? 0))}" r="3"><title>${escapeHtml(`${p.d.label}: ${p.d.text}`)}</title></circle>`,
    )
    .join('');
  const axis = `<line class="app-figure-chart__axis" x1="${margin.left}" x2="${WIDTH - margin.right}" y1="${f1(y(0))}" y2="${f1(y(0))}"/>`;
  const body =
    ticks +
    (areaPath ? `<path class="app-figure-chart__area" d="${areaPath}"/>` : '') +
    (linePath ? `<path class="app-figure-chart__line" d="${linePath}"/>` : '') +
    axis +
    dots +
    names;
  return frame(spec, height, body);
}

/** "November 2026" → "Nov 2026" along a chart's bottom. */
const shortMonth = (label: string) => label.replace(/^(\w{3})\w*/, '$1');
