// The loss of every optimizer step (losses.parquet) of several adapters as one line chart, a
// series per adapter: SFT finetunes on the Training page, MAGRPO's and MAPoRL's policy and value
// updates on the Rollouts page.
import type { TrainingStepRow } from '../../data/artifacts';
import { trusted } from './html';
import type { Html } from './html';
import { renderLineChart } from './line-chart';

export interface LossLog {
  label: string;
  /** null or empty: no log (skipped, still running, or from before losses.parquet). */
  losses: readonly TrainingStepRow[] | null;
}

/** The chart, or null when no adapter has a log. */
export function lossChart(title: string, logs: readonly LossLog[], yLabel = 'loss (per token)'): Html | null {
  const logged = logs.filter((l) => l.losses && l.losses.length > 0);
  if (logged.length === 0) return null;
  return trusted(renderLineChart({ title, xLabel: 'step', yLabel, integerX: true, series: logged.map((l) => ({ label: l.label, points: l.losses!.map((s) => ({ x: s.step, y: s.loss })) })) }));
}
