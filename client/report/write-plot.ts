// accuracy.svg in the run directory: the main method over iterations, baselines as references.
import { join } from 'node:path';
import { PLOT_FILE } from '../../experiment/run-layout';
import { writeFileAtomic } from '../../files/atomic-write';
import { renderAccuracyPlot } from './plot-accuracy';
import type { AccuracyReference, AccuracySeries } from './plot-accuracy';
import type { RunResults } from './results';

/** Writes the plot when there is something to draw; returns its path or null. */
export async function writeAccuracyPlot(results: RunResults, runsRoot: string): Promise<string | null> {
  const svg = accuracyPlotSvg(results);
  if (svg === null) return null;
  const path = join(runsRoot, results.runId, PLOT_FILE);
  await writeFileAtomic(path, svg);
  return path;
}

/** The plot as SVG text (also shown by `maft ui`), or null when there is nothing to draw. */
export function accuracyPlotSvg(results: RunResults): string | null {
  const series: AccuracySeries[] = [];
  const references: AccuracyReference[] = [];
  const points = (reports: RunResults['iterations']) => reports.map((r) => ({ iteration: r.iteration, accuracy: r.accuracy, stderr: r.stderr }));
  if (results.iterations.length > 0) series.push({ label: results.config?.method === 'magrpo' ? 'MAGRPO' : 'multiagent FT', points: points(results.iterations) });
  for (const [name, reports] of Object.entries(results.baselines)) {
    if (reports.length === 0) continue;
    const iterates = reports.some((r) => r.iteration > 0);
    if (iterates) series.push({ label: name, points: points(reports) });
    else references.push({ label: name, accuracy: reports[0].accuracy, stderr: reports[0].stderr });
  }
  if (series.length === 0 && references.length === 0) return null;
  const task = results.config ? `${results.config.task.name}, N = ${results.config.agents}, M = ${results.config.rounds}` : '';
  return renderAccuracyPlot({ title: `Accuracy over finetuning iterations${task ? ` (${task})` : ''}`, series, references, subtitle: `run ${results.runId}` });
}
