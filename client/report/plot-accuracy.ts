// Accuracy against finetuning iteration with standard-error bars, as an SVG string (the shape
// of Figure 1 of the multiagent finetuning paper). Pure string building: no DOM, no native
// code, so it runs wherever the report is written; plot-png.ts rasterizes it.

export interface AccuracyPoint {
  /** Finetuning iteration; 0 is the model before any finetuning. */
  iteration: number;
  /** Fraction correct in [0, 1]. */
  accuracy: number;
  /** Standard error of the accuracy, same unit. */
  stderr: number;
  /** Short text beside the point, e.g. the paired difference against debate. */
  annotation?: string;
}

export interface AccuracySeries {
  label: string;
  points: AccuracyPoint[];
}

/** A method that does not iterate (base, majority, debate): drawn as a dashed horizontal line. */
export interface AccuracyReference {
  label: string;
  accuracy: number;
  stderr: number;
}

export interface AccuracyPlotInput {
  title: string;
  series: AccuracySeries[];
  references?: AccuracyReference[];
  /** Small print under the title, e.g. the date and machine. */
  subtitle?: string;
}

const WIDTH = 640;
const PLOT_HEIGHT = 268;
const MARGIN = { top: 56, right: 24, left: 64 };
const AXIS_LABEL_SPACE = 56;
const LEGEND_ROW = 16;
const SERIES_COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];
const REFERENCE_COLORS = ['#7f7f7f', '#bcbd22', '#17becf', '#e377c2'];
const CAP_HALF_WIDTH = 5;
/** Keeps the first and last error bars off the axes. */
const X_PADDING = 16;
/** Between an annotation's baseline and the error bar's upper cap. */
const ANNOTATION_GAP = 5;

export function renderAccuracyPlot(input: AccuracyPlotInput): string {
  validate(input);
  const references = input.references ?? [];
  const points = input.series.flatMap((s) => s.points);
  const maxIteration = Math.max(1, ...points.map((p) => p.iteration));
  const [yMin, yMax] = yRange([
    ...points.flatMap((p) => [p.accuracy - p.stderr, p.accuracy + p.stderr]),
    ...references.flatMap((r) => [r.accuracy - r.stderr, r.accuracy + r.stderr]),
  ]);

  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = PLOT_HEIGHT;
  const legendTop = MARGIN.top + plotH + AXIS_LABEL_SPACE;
  const height = legendTop + Math.ceil((references.length + input.series.length) / 2) * LEGEND_ROW + 8;
  const x = (iteration: number) => MARGIN.left + X_PADDING + (iteration / maxIteration) * (plotW - 2 * X_PADDING);
  const y = (accuracy: number) => MARGIN.top + (1 - (accuracy - yMin) / (yMax - yMin)) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`,
  ];
  if (input.subtitle) {
    parts.push(`<text x="${WIDTH / 2}" y="42" text-anchor="middle" font-size="11" fill="#555555">${escapeXml(input.subtitle)}</text>`);
  }

  parts.push('<g class="axes" stroke="#000000" stroke-width="1">');
  parts.push(line(MARGIN.left, MARGIN.top + plotH, MARGIN.left + plotW, MARGIN.top + plotH));
  parts.push(line(MARGIN.left, MARGIN.top, MARGIN.left, MARGIN.top + plotH));
  parts.push('</g>');

  parts.push('<g class="ticks" font-size="11">');
  for (let i = 0; i <= maxIteration; i++) {
    parts.push(line(x(i), MARGIN.top + plotH, x(i), MARGIN.top + plotH + 4, '#000000'));
    parts.push(`<text x="${fmt(x(i))}" y="${fmt(MARGIN.top + plotH + 18)}" text-anchor="middle">${i}</text>`);
  }
  for (const tick of yTicks(yMin, yMax)) {
    parts.push(line(MARGIN.left - 4, y(tick), MARGIN.left, y(tick), '#000000'));
    parts.push(line(MARGIN.left, y(tick), MARGIN.left + plotW, y(tick), '#e5e5e5'));
    parts.push(`<text x="${MARGIN.left - 8}" y="${fmt(y(tick) + 4)}" text-anchor="end">${(tick * 100).toFixed(0)}%</text>`);
  }
  parts.push('</g>');
  parts.push(`<text x="${fmt(MARGIN.left + plotW / 2)}" y="${MARGIN.top + plotH + 38}" text-anchor="middle" font-size="13">Iterations of finetuning</text>`);
  parts.push(`<text transform="translate(18 ${fmt(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="13">Accuracy</text>`);

  const legend: { label: string; color: string; dashed: boolean }[] = [];
  references.forEach((r, i) => {
    const color = REFERENCE_COLORS[i % REFERENCE_COLORS.length];
    legend.push({ label: `${r.label} (${pct(r.accuracy)} ± ${pct(r.stderr)})`, color, dashed: true });
    parts.push(`<g class="reference" data-label="${escapeXml(r.label)}">`);
    parts.push(`<rect x="${MARGIN.left}" y="${fmt(y(r.accuracy + r.stderr))}" width="${plotW}" height="${fmt(y(r.accuracy - r.stderr) - y(r.accuracy + r.stderr))}" fill="${color}" fill-opacity="0.12"/>`);
    parts.push(`<line x1="${MARGIN.left}" y1="${fmt(y(r.accuracy))}" x2="${MARGIN.left + plotW}" y2="${fmt(y(r.accuracy))}" stroke="${color}" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    parts.push('</g>');
  });

  input.series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    legend.push({ label: s.label, color, dashed: false });
    const sorted = [...s.points].sort((a, b) => a.iteration - b.iteration);
    parts.push(`<g class="series" data-label="${escapeXml(s.label)}">`);
    const path = sorted.map((p) => `${fmt(x(p.iteration))},${fmt(y(p.accuracy))}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const p of sorted) {
      const cx = x(p.iteration);
      const lo = y(p.accuracy - p.stderr);
      const hi = y(p.accuracy + p.stderr);
      parts.push(
        `<g class="error-bar" data-iteration="${p.iteration}" data-accuracy="${p.accuracy}" data-stderr="${p.stderr}" stroke="${color}" stroke-width="1.5">` +
          line(cx, lo, cx, hi) +
          line(cx - CAP_HALF_WIDTH, lo, cx + CAP_HALF_WIDTH, lo) +
          line(cx - CAP_HALF_WIDTH, hi, cx + CAP_HALF_WIDTH, hi) +
          '</g>',
      );
      parts.push(`<circle cx="${fmt(cx)}" cy="${fmt(y(p.accuracy))}" r="4" fill="${color}"/>`);
      if (p.annotation) parts.push(annotation(p.annotation, cx, hi, p.iteration === 0 ? 'start' : p.iteration === maxIteration ? 'end' : 'middle', color));
    }
    parts.push('</g>');
  });

  parts.push('<g class="legend" font-size="11">');
  legend.forEach((entry, i) => {
    const column = i % 2;
    const row = Math.floor(i / 2);
    const lx = MARGIN.left + column * (plotW / 2);
    const ly = legendTop + row * LEGEND_ROW;
    const dash = entry.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${entry.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 30}" y="${ly + 4}">${escapeXml(entry.label)}</text>`);
  });
  parts.push('</g>');
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * Above the error bar's upper cap, clear of the bar and the line; at the first and last iteration
 * it starts or ends at the cap's edge instead of centring, so that it stays inside the plot.
 */
function annotation(text: string, cx: number, capY: number, anchor: 'start' | 'middle' | 'end', color: string): string {
  const x = anchor === 'start' ? cx - CAP_HALF_WIDTH : anchor === 'end' ? cx + CAP_HALF_WIDTH : cx;
  return `<text class="annotation" x="${fmt(x)}" y="${fmt(capY - ANNOTATION_GAP)}" text-anchor="${anchor}" font-size="10" fill="${color}">${escapeXml(text)}</text>`;
}

function validate(input: AccuracyPlotInput): void {
  if (input.series.length === 0) throw new Error('renderAccuracyPlot: series is empty');
  input.series.forEach((s, i) => {
    if (s.points.length === 0) throw new Error(`renderAccuracyPlot: series[${i}] (${s.label}) has no points`);
    s.points.forEach((p, j) => {
      const where = `series[${i}] (${s.label}) points[${j}]`;
      if (!Number.isInteger(p.iteration) || p.iteration < 0) {
        throw new Error(`renderAccuracyPlot: ${where}.iteration must be an integer >= 0, got ${p.iteration}`);
      }
      checkFraction(`${where}.accuracy`, p.accuracy);
      checkFraction(`${where}.stderr`, p.stderr);
    });
  });
  (input.references ?? []).forEach((r, i) => {
    checkFraction(`references[${i}] (${r.label}).accuracy`, r.accuracy);
    checkFraction(`references[${i}] (${r.label}).stderr`, r.stderr);
  });
}

function checkFraction(where: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`renderAccuracyPlot: ${where} must be in [0, 1], got ${value}`);
  }
}

/** The visible accuracy range: the data with some air, snapped to 10% steps, within [0, 1]. */
function yRange(values: number[]): [number, number] {
  const lo = Math.max(0, Math.floor((Math.min(...values) - 0.02) * 10) / 10);
  const hi = Math.min(1, Math.ceil((Math.max(...values) + 0.02) * 10) / 10);
  return hi > lo ? [lo, hi] : [Math.max(0, lo - 0.1), Math.min(1, hi + 0.1)];
}

function yTicks(lo: number, hi: number): number[] {
  const step = hi - lo > 0.5 ? 0.1 : 0.05;
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9; k++) ticks.push(Math.round(k * step * 1000) / 1000);
  return ticks;
}

function line(x1: number, y1: number, x2: number, y2: number, stroke?: string): string {
  const color = stroke ? ` stroke="${stroke}"` : '';
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}"${color}/>`;
}

function fmt(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}
