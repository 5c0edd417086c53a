// The results as a plain-text table: one line per method and iteration, as in the paper's tables.
import { methodReports } from './results';
import type { IterationReport, RunResults } from './results';
import { textTable } from './text-table';

const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : (100 * x).toFixed(digits));
const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(digits));

export function resultsTable(results: RunResults): string {
  const header = ['method', 'iter', 'accuracy %', '± SE', 'per round %', 'diversity (cons.)', 'NLL div.', 'train examples', 'mean loss'];
  const rows: string[][] = [];
  const add = (method: string, r: IterationReport): void => {
    const examples = r.datasets.reduce((s, d) => s + d.examples, 0);
    const losses = r.training.filter((t) => t.meanLoss !== null).map((t) => t.meanLoss as number);
    rows.push([
      method,
      String(r.iteration),
      pct(r.accuracy),
      pct(r.stderr, 2),
      r.perRound.map((p) => pct(p.accuracy)).join(' → '),
      num(r.diversity.consensus),
      num(r.diversity.nll),
      r.datasets.length ? String(examples) : '–',
      losses.length ? num(losses.reduce((a, b) => a + b, 0) / losses.length) : '–',
    ]);
  };
  for (const [method, r] of methodReports(results)) add(method, r);
  return textTable(header, rows).join('\n');
}
