// An experiment with several seeds as plain text: its runs, then one line per method and
// iteration with the mean ± SE across seeds of the accuracy and of the paired difference
// against debate.
import { signedPoints } from './against-debate';
import type { MeanAcrossSeeds, SeedsReport } from './across-seeds';
import { textTable } from './text-table';

const se = (m: MeanAcrossSeeds): string => (m.stderr === null ? '–' : (100 * m.stderr).toFixed(1));

export function seedsLines(report: SeedsReport): string[] {
  const seeds = report.runs.map((r) => r.seed).join(', ');
  const lines = [`experiment ${report.experimentId}: ${report.runs.length} seed${report.runs.length === 1 ? '' : 's'} (${seeds})`];
  for (const r of report.runs) lines.push(`  ${r.runId} (seed ${r.seed}): ${r.status}${r.error ? ` — ${r.error}` : ''}`);
  if (report.rows.length === 0) return lines;

  const header = ['method', 'iter', 'seeds', 'accuracy %', '± SE', 'vs debate, points', '± SE', 'z ≥ 2'];
  const rows = report.rows.map((r) => {
    const d = r.againstDebate;
    return [
      r.method,
      String(r.iteration),
      String(r.accuracy.seeds),
      (100 * r.accuracy.mean).toFixed(1),
      se(r.accuracy),
      d ? signedPoints(d.mean) : '–',
      d ? se(d) : '–',
      d ? `${d.zAtLeast2}/${d.seeds}` : '–',
    ];
  });
  const ref = report.reference ? ` (${report.reference.method} iteration ${report.reference.iteration})` : '';
  return [
    ...lines,
    ...textTable(header, rows),
    `mean ± SE across seeds (SE = sample SD / √seeds); each seed paired against its own debate${ref} on its questions; z ≥ 2: seeds whose own paired z reached 2`,
  ];
}
