// The results as a plain-text table: one line per method and iteration, as in the paper's tables.
import type { IterationReport, RunResults } from './results';

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
  for (const r of results.iterations) add(results.config?.method === 'magrpo' ? 'magrpo' : 'multiagent-ft', r);
  for (const [name, reports] of Object.entries(results.baselines)) for (const r of reports) add(name, r);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
