// The loss of every optimizer step of a finetune, for losses.parquet. lm/ reports each step
// through onProgress; an attempt retried after a crash resumes from lm's newest checkpoint and
// reports only the steps after it. So every reported step is also appended to a scratch file in
// the step's checkpoints/ directory, and a new attempt takes the steps up to its resume point
// from there: the final log equals that of an uninterrupted finetune.
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TrainingStepRow } from '../data/artifacts';

export interface TrainingLog {
  record(step: number, loss: number): void;
  /** Steps 1..resumedFromStep from earlier attempts, then those this attempt reported. */
  rows(resumedFromStep: number): TrainingStepRow[];
}

export async function openTrainingLog(scratchFile: string): Promise<TrainingLog> {
  await mkdir(dirname(scratchFile), { recursive: true });
  const earlier = await readScratch(scratchFile);
  const current: TrainingStepRow[] = [];
  // Appends are synchronous so that a killed worker loses at most the line being written.
  const line = (r: TrainingStepRow): string => `${r.step}\t${r.loss}\n`;
  return {
    record(step, loss) {
      if (current.length === 0) {
        // The first step of this attempt follows its checkpoint: what earlier attempts logged from there on is redone now.
        // Written aside and renamed, so that a crash here cannot lose the earlier steps.
        writeFileSync(`${scratchFile}.tmp`, [...earlier.values()].filter((r) => r.step < step).map(line).join(''));
        renameSync(`${scratchFile}.tmp`, scratchFile);
      }
      const row = { step, loss };
      current.push(row);
      appendFileSync(scratchFile, line(row));
    },
    rows(resumedFromStep) {
      const before = [...earlier.values()].filter((r) => r.step <= resumedFromStep).sort((a, b) => a.step - b.step);
      return [...before, ...current];
    },
  };
}

/** The scratch file's steps (a later line for the same step wins); a torn last line is ignored. */
async function readScratch(file: string): Promise<Map<number, TrainingStepRow>> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
  const steps = new Map<number, TrainingStepRow>();
  // Only newline-terminated lines are complete; a diverged step's loss is written as NaN and read back as NaN.
  for (const l of text.split('\n').slice(0, -1)) {
    const fields = l.split('\t');
    const step = Number(fields[0]);
    if (fields.length === 2 && Number.isInteger(step) && step > 0) steps.set(step, { step, loss: Number(fields[1]) });
  }
  return steps;
}
