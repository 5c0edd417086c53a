// A small SVG line chart (loss per optimizer step, diversity per iteration): numeric x, any y,
// one polyline and its points per series, a legend. Pure string building, like
// client/report/plot-accuracy.ts, whose accuracy-with-error-bars shape it does not need.
import { escapeHtml } from './html';

export interface LineSeries {
  label: string;
  points: { x: number; y: number }[];
}

export interface LineChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** Integer x ticks only (iterations, steps). */
  integerX?: boolean;
}

const WIDTH = 560;
const PLOT_HEIGHT = 200;
const MARGIN = { top: 36, right: 16, bottom: 44, left: 60 };
const LEGEND_ROW = 16;
const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e'];

export function renderLineChart(input: LineChartInput): string {
  const points = input.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const [xMin, xMax] = span(points.map((p) => p.x), input.integerX ? 1 : 0);
  const [yMin, yMax] = span(points.map((p) => p.y), 0);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const legendTop = MARGIN.top + PLOT_HEIGHT + MARGIN.bottom;
  const height = legendTop + Math.ceil(input.series.length / 3) * LEGEND_ROW + 4;
  const x = (v: number): number => MARGIN.left + 8 + ((v - xMin) / (xMax - xMin)) * (plotW - 16);
  const y = (v: number): number => MARGIN.top + (1 - (v - yMin) / (yMax - yMin)) * PLOT_HEIGHT;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeHtml(input.title)}">`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeHtml(input.title)}</text>`,
    `<g stroke="#999" stroke-width="1"><line x1="${MARGIN.left}" y1="${MARGIN.top + PLOT_HEIGHT}" x2="${MARGIN.left + plotW}" y2="${MARGIN.top + PLOT_HEIGHT}"/><line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + PLOT_HEIGHT}"/></g>`,
    '<g font-size="11" fill="#333">',
  ];
  for (const t of ticks(xMin, xMax, input.integerX)) {
    out.push(`<text x="${r(x(t))}" y="${MARGIN.top + PLOT_HEIGHT + 16}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of ticks(yMin, yMax, false)) {
    out.push(`<line x1="${MARGIN.left}" y1="${r(y(t))}" x2="${MARGIN.left + plotW}" y2="${r(y(t))}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${r(y(t) + 4)}" text-anchor="end">${label(t)}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${r(MARGIN.left + plotW / 2)}" y="${MARGIN.top + PLOT_HEIGHT + 34}" text-anchor="middle" font-size="12">${escapeHtml(input.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${r(MARGIN.top + PLOT_HEIGHT / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(input.yLabel)}</text>`);
  input.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const ps = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    out.push(`<g class="series" data-label="${escapeHtml(s.label)}" stroke="${color}" fill="${color}">`);
    if (ps.length > 1) out.push(`<polyline fill="none" stroke-width="1.5" points="${ps.map((p) => `${r(x(p.x))},${r(y(p.y))}`).join(' ')}"/>`);
    // Dots only where they stay readable.
    if (ps.length <= 60) for (const p of ps) out.push(`<circle cx="${r(x(p.x))}" cy="${r(y(p.y))}" r="3"><title>${escapeHtml(`${s.label}: ${label(p.x)} → ${p.y.toPrecision(4)}`)}</title></circle>`);
    out.push('</g>');
    const lx = MARGIN.left + (i % 3) * (plotW / 3);
    const ly = legendTop + Math.floor(i / 3) * LEGEND_ROW;
    out.push(`<line x1="${r(lx)}" y1="${ly}" x2="${r(lx + 18)}" y2="${ly}" stroke="${color}" stroke-width="2"/><text x="${r(lx + 24)}" y="${ly + 4}" font-size="11">${escapeHtml(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

/** [min, max] of the values with some air; a flat or empty range is widened so it can be drawn. */
function span(values: number[], minWidth: number): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < Math.max(minWidth, 1e-9)) {
    const pad = Math.max(minWidth, Math.abs(hi) * 0.1, 1e-3) / 2;
    [lo, hi] = [lo - pad, hi + pad];
  }
  // Keeps the extreme points off the axes.
  const air = (hi - lo) * 0.05;
  return [lo - air, hi + air];
}

function ticks(lo: number, hi: number, integer: boolean | undefined): number[] {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function label(v: number): string {
  return Math.abs(v) >= 1000 || Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

function r(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}
