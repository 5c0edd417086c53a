// What a run set out to do — methods × iterations, from its config — matched with what it has
// done so far (its results), and where each iteration's artifacts lie.
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { iterationDir } from '../../experiment/run-layout';
import { baselineVariant, mainVariant } from '../../experiment/variants';
import type { Variant, VariantName } from '../../experiment/variants';
import type { IterationReport, RunResults } from '../report/results';

export interface PlannedIteration {
  variant: VariantName;
  iteration: number;
  /** The iteration directory relative to the run directory (the debate baseline reuses the method's iter-0). */
  dir: string;
  report: IterationReport | null;
}

export interface PlannedMethod {
  variant: VariantName;
  /** A method that only evaluates (base, majority, debate): one iteration 0. */
  iterates: boolean;
  iterations: PlannedIteration[];
}

export const MAIN: VariantName = 'multiagent-ft';

export function runPlan(config: ExperimentConfig | null, results: RunResults): PlannedMethod[] {
  const reports = (name: VariantName): IterationReport[] => (name === MAIN ? results.iterations : results.baselines[name] ?? []);
  const variants: Variant[] = config ? [mainVariant(config), ...config.baselines.map((b) => baselineVariant(b, config))].filter((v): v is Variant => v !== undefined) : [];
  const names = [...new Set<VariantName>([...variants.map((v) => v.name), MAIN, ...(Object.keys(results.baselines) as VariantName[])])];
  const mainEvaluatesBase = results.iterations[0]?.iteration === 0 || (config?.evaluation.includeBase ?? false);
  return names
    .map((name): PlannedMethod => {
      const variant = variants.find((v) => v.name === name);
      const done = reports(name);
      const planned = variant ? Array.from({ length: variant.iterations + 1 }, (_, l) => l).filter((l) => l > 0 || variant.evaluateBase) : [];
      const numbers = [...new Set([...planned, ...done.map((r) => r.iteration)])].sort((a, b) => a - b);
      return {
        variant: name,
        iterates: numbers.some((l) => l > 0),
        iterations: numbers.map((iteration) => ({
          variant: name,
          iteration,
          dir: name === 'debate' && iteration === 0 && mainEvaluatesBase ? iterationDir(MAIN, 0) : iterationDir(name, iteration),
          report: done.find((r) => r.iteration === iteration) ?? null,
        })),
      };
    })
    .filter((m) => m.iterations.length > 0);
}

export function findIteration(plan: readonly PlannedMethod[], variant: string, iteration: number): PlannedIteration | undefined {
  return plan.find((m) => m.variant === variant)?.iterations.find((i) => i.iteration === iteration);
}
