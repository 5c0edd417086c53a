// `npm run pretrain:tiny`: trains the embedded default model from scratch following
// tiny-recipe.ts and writes it, with its README, to data/models/tiny. An interrupted run
// resumes from the checkpoint in its work directory.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { getTask } from '../data/tasks';
import { writeDirAtomic, writeFileAtomic } from '../files/atomic-write';
import { toHfConfig } from '../lm/formats/hf-config';
import { saveModelWeights } from '../lm/formats/model-weights';
import { initRandomWeights } from '../lm/model/init-random-weights';
import type { ModelConfig } from '../lm/model-config';
import { saveTokenizer } from '../lm/tokenizer/bpe-trainer';
import { loadTokenizer } from '../lm/tokenizer/model-tokenizer';
import { trainModel } from '../lm/train/train-model';
import type { FinetuneProgress } from '../lm/types';
import { generateCorpus, heldOutQuestions } from './corpus';
import { demoQuestionIds } from './demo-questions';
import { measureAccuracy } from './measure-accuracy';
import { tinyModelReadme } from './model-readme';
import { TINY_RECIPE, type TinyRecipe } from './tiny-recipe';
import { buildTinyTokenizer } from './tiny-tokenizer';
import { tokenizeExamples } from './tokenize-corpus';

interface CliOptions {
  out: string;
  work: string;
  demoConfig: string;
  threads?: number;
  examples?: number;
  fresh: boolean;
}

async function pretrain(cli: CliOptions): Promise<void> {
  const recipe: TinyRecipe = { ...TINY_RECIPE, corpus: { ...TINY_RECIPE.corpus, size: cli.examples ?? TINY_RECIPE.corpus.size } };
  const started = Date.now();
  const log = (message: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${message}`);
  if (cli.fresh) await rm(cli.work, { recursive: true, force: true });

  const task = getTask('arithmetic', { promptStyle: 'compact' });
  const demo = await demoQuestionIds(cli.demoConfig);
  const evalQuestions = heldOutQuestions(recipe.seed + 1, recipe.evaluation.questions, demo);
  const exclude = new Set([...demo, ...evalQuestions.map((q) => q.id)]);
  const corpus = generateCorpus({ ...recipe.corpus, task, seed: recipe.seed, exclude });
  const corpusCorrect = corpus.filter((e) => e.correct).length / corpus.length;
  log(`corpus: ${corpus.length} examples, ${(corpusCorrect * 100).toFixed(1)}% with the right final answer`);

  // The model directory is assembled in the work directory and moved to `out` only when complete.
  const staging = join(cli.work, 'model');
  await saveTokenizer(staging, buildTinyTokenizer(corpus.map((e) => e.prompt + e.completion), recipe.vocabSize));
  const tokenizer = await loadTokenizer(staging);
  const sequences = tokenizeExamples(tokenizer, corpus);
  const corpusTokens = sequences.reduce((n, s) => n + s.tokens.length, 0);
  const longest = Math.max(...sequences.map((s) => s.tokens.length));
  log(`tokenizer: ${tokenizer.vocabSize} tokens; corpus: ${corpusTokens} tokens, longest example ${longest}`);

  const config: ModelConfig = { ...recipe.model, vocabSize: tokenizer.vocabSize, eosTokenIds: [tokenizer.eosTokenId!] };
  const weights = initRandomWeights(config, recipe.seed);
  const parameters = [...weights.values()].reduce((n, w) => n + w.length, 0);
  log(`model: ${(parameters / 1e6).toFixed(2)} M parameters`);
  const trainStarted = Date.now();
  const progress = (p: FinetuneProgress) => {
    if (p.step % 25 === 0 || p.step === p.totalSteps) {
      log(`step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(4)} (${p.tokensPerSecond.toFixed(0)} tokens/s)`);
    }
  };
  const result = await trainModel({
    config,
    weights,
    sequences,
    options: recipe.training,
    checkpointDir: join(cli.work, 'checkpoint'),
    runtime: { device: 'cpu', threads: cli.threads },
    onProgress: progress,
  });
  log(`trained: ${result.steps} steps (resumed from ${result.resumedFromStep}), final loss ${result.finalLoss.toFixed(4)}`);
  const trainSeconds = (Date.now() - trainStarted) / 1000;

  await saveModelWeights(staging, result.weights!, config);
  await writeFileAtomic(join(staging, 'config.json'), JSON.stringify(toHfConfig(config), null, 2) + '\n');
  const accuracy = await measureAccuracy(staging, task, evalQuestions, {
    temperature: recipe.evaluation.temperature,
    maxNewTokens: recipe.evaluation.maxNewTokens,
    seed: recipe.seed,
    threads: cli.threads,
  });
  log(`held-out accuracy: ${JSON.stringify(accuracy)}`);

  const previous = await readFile(join(cli.out, 'README.md'), 'utf8').catch(() => undefined);
  const readme = tinyModelReadme(
    {
      recipe, config, parameters, corpusExamples: corpus.length, corpusCorrect, corpusTokens,
      steps: result.steps, finalLoss: result.finalLoss, trainSeconds, totalSeconds: (Date.now() - started) / 1000,
      accuracy, date: new Date().toISOString().slice(0, 10),
    },
    previous,
  );
  await writeFileAtomic(join(staging, 'README.md'), readme);
  await writeDirAtomic(cli.out, async (dir) => {
    for (const name of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'README.md']) {
      await writeFileAtomic(join(dir, name), await readFile(join(staging, name)));
    }
  });
  log(`wrote ${cli.out}`);
}

const program = new Command()
  .name('pretrain-tiny')
  .description("Train maft's embedded tiny arithmetic model from scratch (pretraining/tiny-recipe.ts)")
  .option('--out <dir>', 'model directory to write', 'data/models/tiny')
  .option('--work <dir>', 'corpus, checkpoint and staging directory (resumes from its checkpoint)', 'runs/pretrain-tiny')
  .option('--demo-config <file>', 'experiment whose questions the corpus must not contain', 'configs/demo-2000.yaml')
  .option('--threads <n>', 'ONNX Runtime intra-op threads', (v) => Number.parseInt(v, 10))
  .option('--examples <n>', 'corpus size (default: the recipe\'s); for quick trials', (v) => Number.parseInt(v, 10))
  .option('--fresh', 'discard the work directory first', false);

async function run(): Promise<void> {
  program.parse();
  await pretrain(program.opts<CliOptions>());
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
