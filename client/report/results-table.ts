// The results as a plain-text table: one line per method and iteration, as in the paper's tables.
import { methodReports } from './results';
import type { IterationReport, RunResults } from './results';
import { rlTrainingLines } from './rl-training';
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
  return [...textTable(header, rows), ...collaborationLines(results), ...trainingLines(results)].join('\n');
}

/**
 * The RL methods' evaluation (MAPoRL section 4.1) under the table: per turn the majority with ties
 * scored by expectation, and between turns the share of agents going W → R and R → W when the
 * others' majority was right or wrong (n: agents that could).
 */
function collaborationLines(results: RunResults): string[] {
  const reports = methodReports(results).filter(([, r]) => r.collaboration);
  if (reports.length === 0) return [];
  const share = (s: { share: number; stderr: number; total: number }): string => (s.total === 0 ? '–' : `${pct(s.share)} ± ${pct(s.stderr)} (n ${s.total})`);
  return [
    'collaboration (majority with ties by expectation, per turn; revisions t → t+1 by the others\' majority at t):',
    ...reports.flatMap(([method, r]) => {
      const c = r.collaboration!;
      return [
        `  ${method} iter ${r.iteration}: ${c.perTurn.map((a) => `${pct(a.accuracy)} ± ${pct(a.stderr)}`).join(' → ')} %`,
        ...c.transitions.map(
          (t) =>
            `    turn ${t.turn} → ${t.turn + 1}: others right: W→R ${share(t.byOthers.right.wrongToRight)}, R→W ${share(t.byOthers.right.rightToWrong)}; others wrong: W→R ${share(t.byOthers.wrong.wrongToRight)}, R→W ${share(t.byOthers.wrong.rightToWrong)}`,
        ),
      ];
    }),
  ];
}

/** The RL iterations' training signals (rl-training.ts), after the held-out evaluation. */
function trainingLines(results: RunResults): string[] {
  const reports = methodReports(results).filter(([, r]) => r.rlTraining && r.rlTraining.length > 0);
  if (reports.length === 0) return [];
  return ['training (on training questions, sampled before each update):', ...reports.flatMap(([method, r]) => rlTrainingLines(method, r.iteration, r.rlTraining!))];
}
