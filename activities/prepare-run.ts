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
import type { PreparedRun, PrepareRunInput, Split } from '../experiment/step-types';
import type { Question } from '../data/task';

export async function prepareRun(deps: ActivityDeps, { runId, config }: PrepareRunInput): Promise<PreparedRun> {
  // MAPoRL's model verifier learns on questions of its own: the first ones drawn, the RL training questions after them.
  const verifierSize = config.method === 'maporl' && config.maporl.verifier === 'model' ? config.maporl.verifierTraining.trainSize! : 0;
  return cachedStep(deps, {
    step: 'prepareRun',
    runId,
    stepDir: QUESTIONS_DIR,
    // The data files are inputs too: an edited file must not reuse old questions.
    inputs: { task: config.task, seed: config.seed, evaluationSize: config.evaluation.size ?? null, data: await dataHashes(config.task), ...(verifierSize > 0 ? { verifierSize } : {}) },
    inputPaths: [],
    compute: async () => {
      const split = await taskOf(config).load({
        file: config.task.file,
        testFile: config.task.testFile,
        trainSize: config.task.trainSize + verifierSize,
        testSize: config.task.testSize,
        seed: config.seed,
        skipInvalid: config.task.skipInvalid,
        filters: config.task.filters,
      });
      const write = (name: Split, questions: Question[]) => writeRows(questionsSchema, join(runDirOf(deps, runId), questionsFile(name)), questions.map(questionToRow));
      const verifier = split.train.slice(0, verifierSize);
      const trainQuestions = split.train.slice(verifierSize);
      const outputs = [await write('train', trainQuestions), await write('test', split.test), ...(verifierSize > 0 ? [await write('verifier', verifier)] : [])];
      const evaluated = Math.min(config.evaluation.size ?? split.test.length, split.test.length);
      return {
        outputs,
        summary: { train: trainQuestions.length, test: split.test.length, evaluated, skippedInvalid: split.skippedInvalid, ...(verifierSize > 0 ? { verifier: verifier.length } : {}) },
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
