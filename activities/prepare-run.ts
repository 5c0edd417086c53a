// prepareRun: loads the task's questions once per run (train and held-out test) and stores
// them as Parquet, so every later step and every worker reads the same questions.
import { join } from 'node:path';
import { questionToRow, questionsSchema, sha256File, writeRows } from '../data/artifacts';
import type { ExperimentConfig } from '../experiment/experiment-schema';
import { MaftInputError } from './failures';
import type { ActivityDeps } from './deps';
import { taskOf } from './run-files';
import { cachedStep, runDirOf } from './step-cache';
import { QUESTIONS_DIR, questionsFile } from '../experiment/run-layout';
import type { PreparedRun, PrepareRunInput } from '../experiment/step-types';

export async function prepareRun(deps: ActivityDeps, { runId, config }: PrepareRunInput): Promise<PreparedRun> {
  return cachedStep(deps, {
    step: 'prepareRun',
    runId,
    stepDir: QUESTIONS_DIR,
    // The data files are inputs too: an edited file must not reuse old questions.
    inputs: { task: config.task, seed: config.seed, evaluationSize: config.evaluation.size ?? null, data: await dataHashes(config.task) },
    inputPaths: [],
    compute: async () => {
      const split = await taskOf(config).load({
        file: config.task.file,
        testFile: config.task.testFile,
        trainSize: config.task.trainSize,
        testSize: config.task.testSize,
        seed: config.seed,
        skipInvalid: config.task.skipInvalid,
        filters: config.task.filters,
      });
      const train = await writeRows(questionsSchema, join(runDirOf(deps, runId), questionsFile('train')), split.train.map(questionToRow));
      const test = await writeRows(questionsSchema, join(runDirOf(deps, runId), questionsFile('test')), split.test.map(questionToRow));
      const evaluated = Math.min(config.evaluation.size ?? split.test.length, split.test.length);
      return {
        outputs: [train, test],
        summary: { train: split.train.length, test: split.test.length, evaluated, skippedInvalid: split.skippedInvalid },
      };
    },
  });
}

async function dataHashes(task: ExperimentConfig['task']): Promise<string[]> {
  const files = [task.file, task.testFile].filter((f): f is string => f !== undefined);
  return Promise.all(
    files.map((f) =>
      sha256File(f).catch((err: NodeJS.ErrnoException) => {
        throw new MaftInputError(`task data file ${f}: ${err.code ?? err.message}`);
      }),
    ),
  );
}
