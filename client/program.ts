// The `maft` command line: one file per command under commands/.
import { Command } from 'commander';
import { registerCancel } from './commands/cancel';
import { registerDatasetInspect } from './commands/dataset-inspect';
import { registerList } from './commands/list';
import { registerResults } from './commands/results';
import { registerResume } from './commands/resume';
import { registerRun } from './commands/run';
import { registerStart } from './commands/start';
import { registerStatus } from './commands/status';
import { registerUi } from './commands/ui';

export function maftProgram(): Command {
  const program = new Command('maft')
    .description('multiagent finetuning of language models as durable Temporal workflows')
    .option('--temporal <file>', 'Temporal configuration', 'temporal.yaml')
    .option('--address <host:port>', 'Temporal server address (overrides temporal.yaml and TEMPORAL_ADDRESS)')
    .showHelpAfterError();
  for (const register of [registerRun, registerStart, registerStatus, registerResults, registerResume, registerList, registerCancel, registerDatasetInspect, registerUi]) {
    register(program);
  }
  return program;
}
