// The Temporal SDK's process-wide runtime, installed once with a logger fit for a command line.
import { DefaultLogger, Runtime } from '@temporalio/worker';

let runtimeInstalled = false;

/** Temporal's core logs at INFO by default; a CLI wants only warnings. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({
    logger: new DefaultLogger('WARN', (entry) => {
      // The gpu queue's worker runs activities only; that is by design, not worth a warning.
      if (entry.message.startsWith('No workflows registered')) return;
      console.error(`temporal ${entry.level}: ${entry.message}`);
    }),
  });
}
