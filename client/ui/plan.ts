// What a run set out to do — methods × iterations, from its config — matched with what it has
// done so far (its results), and where each iteration's artifacts lie.
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { iterationDir } from '../../experiment/run-layout';
import { baselineVariant, magrpoVariant, mainVariant, maporlVariant, rlBaselineVariant } from '../../experiment/variants';
import type { Variant, VariantName } from '../../experiment/variants';
import type { IterationReport, RunResults } from '../report/results';

export interface PlannedIteration {
  variant: VariantName;
  iteration: number;
  /** The iteration directory relative to the run directory (the debate baseline reuses the method's iter-0). */
  dir: string;
  report: IterationReport | null;
}

/** How a variant trains its agents in iterations l ≥ 1. */
export type TrainingMethod = 'multiagent-ft' | 'maporl' | 'magrpo';

export interface PlannedMethod {
  variant: VariantName;
  /** A method that only evaluates (base, majority, debate): one iteration 0. */
  iterates: boolean;
  /** The RL method for an RL run's method and its shared-policy baseline, else multiagent finetuning (also for evaluation-only variants). */
  trainedBy: TrainingMethod;
  iterations: PlannedIteration[];
}

/** The variants a run plans: its method (named as the method), then its baselines. */
function plannedVariants(config: ExperimentConfig): Variant[] {
  if (config.method === 'maporl' || config.method === 'magrpo') {
    const main = config.method === 'maporl' ? maporlVariant(config) : magrpoVariant(config);
    const baselines = config.method === 'maporl' ? config.maporl.baselines : config.magrpo.baselines;
    return [main, ...baselines.map((b) => rlBaselineVariant(b, config, main))];
  }
  return [mainVariant(config), ...config.baselines.map((b) => baselineVariant(b, config))];
}

export function runPlan(config: ExperimentConfig | null, results: RunResults): PlannedMethod[] {
  const main: VariantName = config?.method ?? 'multiagent-ft';
  const reports = (name: VariantName): IterationReport[] => (name === main ? results.iterations : results.baselines[name] ?? []);
  const variants: Variant[] = config ? plannedVariants(config) : [];
  const names = [...new Set<VariantName>([...variants.map((v) => v.name), main, ...(Object.keys(results.baselines) as VariantName[])])];
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
        trainedBy: (main === 'maporl' || main === 'magrpo') && (name === main || name === 'shared-policy') ? main : 'multiagent-ft',
        iterations: numbers.map((iteration) => ({
          variant: name,
          iteration,
          dir: name === 'debate' && iteration === 0 && mainEvaluatesBase ? iterationDir(main, 0) : iterationDir(name, iteration),
          report: done.find((r) => r.iteration === iteration) ?? null,
        })),
      };
    })
    .filter((m) => m.iterations.length > 0);
}

export function findIteration(plan: readonly PlannedMethod[], variant: string, iteration: number): PlannedIteration | undefined {
  return plan.find((m) => m.variant === variant)?.iterations.find((i) => i.iteration === iteration);
}
