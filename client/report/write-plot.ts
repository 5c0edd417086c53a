// accuracy.svg: for a run in its run directory, the main method over iterations with baselines
// as references; for an experiment with several seeds in runs/<experimentId>/, the mean ± SE
// across seeds. Every point is annotated with its paired difference against debate.
import { join } from 'node:path';
import { PLOT_FILE } from '../../experiment/run-layout';
import { writeFileAtomic } from '../../files/atomic-write';
import { pairedLabel, signedPoints } from './against-debate';
import type { AgainstDebate } from './against-debate';
import type { SeedsReport } from './across-seeds';
import { renderAccuracyPlot } from './plot-accuracy';
import type { AccuracyPoint, AccuracyReference, AccuracySeries } from './plot-accuracy';
import { mainMethod, methodReports } from './results';
import type { RunResults } from './results';

/** Writes the plot of a run when there is something to draw; returns its path or null. */
export async function writeAccuracyPlot(results: RunResults, runsRoot: string, paired: AgainstDebate | null = null): Promise<string | null> {
  return writePlot(accuracyPlotSvg(results, paired), runsRoot, results.runId);
}

/** Writes the plot of an experiment with several seeds into runs/<experimentId>/; its path or null. */
export async function writeSeedsPlot(report: SeedsReport, runsRoot: string): Promise<string | null> {
  return writePlot(seedsPlotSvg(report), runsRoot, report.experimentId);
}

/** The plot as SVG text (also shown by `maft ui`), or null when there is nothing to draw. */
export function accuracyPlotSvg(results: RunResults, paired: AgainstDebate | null = null): string | null {
  const label = (method: string, iteration: number): string | undefined => {
    const p = paired?.rows.find((r) => r.method === method && r.iteration === iteration);
    return p ? pairedLabel(p) : undefined;
  };
  const methods = new Map<string, AccuracyPoint[]>();
  for (const [method, r] of methodReports(results)) {
    methods.set(method, [...(methods.get(method) ?? []), { iteration: r.iteration, accuracy: r.accuracy, stderr: r.stderr, annotation: label(method, r.iteration) }]);
  }
  const c = results.config;
  return plotSvg(methods, mainMethod(results), {
    title: `Accuracy over finetuning iterations${c ? ` (${c.task.name}, N = ${c.agents}, M = ${c.rounds})` : ''}`,
    subtitle: `run ${results.runId}${paired ? '; above each point: paired difference against debate, points ± SE, z' : ''}`,
  });
}

/** Mean ± SE across seeds (no bar for one seed), each point annotated with the paired difference across seeds. */
export function seedsPlotSvg(report: SeedsReport): string | null {
  const methods = new Map<string, AccuracyPoint[]>();
  for (const r of report.rows) {
    const d = r.againstDebate;
    const annotation = d ? `${signedPoints(d.mean)} ± ${d.stderr === null ? '–' : (100 * d.stderr).toFixed(1)}, z ≥ 2 in ${d.zAtLeast2}/${d.seeds}` : undefined;
    methods.set(r.method, [...(methods.get(r.method) ?? []), { iteration: r.iteration, accuracy: r.accuracy.mean, stderr: r.accuracy.stderr ?? 0, annotation }]);
  }
  return plotSvg(methods, report.rows[0]?.method ?? '', {
    title: `Accuracy over finetuning iterations, ${report.runs.length} seed${report.runs.length === 1 ? '' : 's'}`,
    subtitle: `experiment ${report.experimentId}: mean ± SE across seeds; above each point: paired difference against debate across seeds`,
  });
}

const seriesLabels: Record<string, string> = { 'multiagent-ft': 'multiagent FT', magrpo: 'MAGRPO' };

/** Methods that iterate become series (the main method first), the others dashed references. */
function plotSvg(methods: Map<string, AccuracyPoint[]>, main: string, text: { title: string; subtitle: string }): string | null {
  const series: AccuracySeries[] = [];
  const references: AccuracyReference[] = [];
  for (const [method, points] of [...methods].sort(([a], [b]) => Number(b === main) - Number(a === main))) {
    const label = method === main ? (seriesLabels[method] ?? method) : method;
    if (method === main || points.some((p) => p.iteration > 0)) series.push({ label, points });
    else references.push({ label, accuracy: points[0].accuracy, stderr: points[0].stderr });
  }
  // References alone are no plot of iterations (a run whose main method has no evaluation yet).
  if (series.length === 0) return null;
  return renderAccuracyPlot({ ...text, series, references });
}

async function writePlot(svg: string | null, runsRoot: string, dir: string): Promise<string | null> {
  if (svg === null) return null;
  const path = join(runsRoot, dir, PLOT_FILE);
  await writeFileAtomic(path, svg);
  return path;
}
