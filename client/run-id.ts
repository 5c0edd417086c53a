// Run ids double as workflow ids and directory names: letters, digits, ".", "_" and "-".
import { randomBytes } from 'node:crypto';
import { CliError } from './cli-error';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import { runIdProblem } from '../experiment/run-layout';

export function newRunId(config: ExperimentConfig, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const label = (config.name ?? config.task.name).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'run';
  return `${label}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export function checkRunId(runId: string): string {
  const problem = runIdProblem(runId);
  if (problem !== null) throw new CliError(problem);
  return runId;
}
