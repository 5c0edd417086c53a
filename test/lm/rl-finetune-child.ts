// A finetuneRl job in a process of its own, so a test can kill it (SIGKILL: no abort, no last
// checkpoint) and resume the job in another. Prints `step N` after each optimizer step.

import { readFileSync } from 'node:fs';
import { runRlFinetune, type RlFinetuneJob } from '../../lm/runtime/run-finetune';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as RlFinetuneJob;
await runRlFinetune(job, { onProgress: (p) => process.stdout.write(`step ${p.step}\n`) });
