// data/models/tiny/README.md: how the committed model was made and how good it is, written by
// the pretraining script from what it measured. The sections written by hand (from "## How it
// got here" on: the trials, the demo run) are kept when the script rewrites the file.
import { cpus } from 'node:os';
import type { ModelConfig } from '../lm/model-config';
import type { TinyModelAccuracy, AccuracyFigure } from './measure-accuracy';
import { STEP_KINDS, type StepKind } from './step-accuracy';
import type { TinyRecipe } from './tiny-recipe';

export const HAND_WRITTEN = '\n## How it got here';

export interface PretrainFacts {
  recipe: TinyRecipe;
  config: ModelConfig;
  parameters: number;
  corpusExamples: number;
  /** Share of corpus examples whose final answer is right. */
  corpusCorrect: number;
  corpusTokens: number;
  steps: number;
  finalLoss: number;
  trainSeconds: number;
  totalSeconds: number;
  accuracy: TinyModelAccuracy;
  date: string;
}

const pct = (f: AccuracyFigure): string => `${(f.accuracy * 100).toFixed(1)}% ± ${(f.stderr * 100).toFixed(1)}`;
const STEP_EXAMPLES: Record<StepKind, string> = {
  product: '`19*11=209`',
  sum: '`21+5=26`',
  sign: '`29-209=-(209-29)`',
  place: '`209-20=189`',
};
const stepRate = (a: TinyModelAccuracy, k: StepKind): string => {
  const t = a.greedySteps[k];
  return t.steps === 0 ? '–' : `${((t.right / t.steps) * 100).toFixed(1)}% of ${t.steps}`;
};
const minutes = (s: number): string => `${(s / 60).toFixed(1)} min`;

export function tinyModelReadme(f: PretrainFacts, previous?: string): string {
  const { recipe, config, accuracy: a } = f;
  const t = recipe.training;
  const handWritten = previous?.includes(HAND_WRITTEN) ? previous.slice(previous.indexOf(HAND_WRITTEN)) : '';
  return `# tiny — maft's embedded default model

A ${(f.parameters / 1e6).toFixed(2)} M-parameter Llama-architecture model trained from scratch on
synthetic arithmetic (\`a+b*c+d-e*f\`, values 0..30, the task of the multiagent finetuning paper)
in exactly the compact prompts the pipeline sends every role (generation, critic, summarizer).
It is deliberately imperfect: its worked solutions slip now and then, so three agents disagree
often enough for majority voting, debate and finetuning on the debate's answers to matter.

Made by \`npm run pretrain:tiny\` (pretraining/pretrain-tiny.ts, recipe in
pretraining/tiny-recipe.ts), seed ${recipe.seed}, on ${f.date} with ${cpus().length} CPU cores
(${cpus()[0]?.model ?? 'unknown CPU'}), onnxruntime-node CPU.

| | |
|---|---|
| architecture | llama, ${config.numLayers} layers, hidden ${config.hiddenSize}, MLP ${config.intermediateSize}, ${config.numHeads} heads × ${config.headDim}, tied embeddings |
| vocabulary | ${config.vocabSize} tokens: byte-level BPE whose merges skip digits (numbers are spelled digit by digit) |
| context | ${config.maxPositionEmbeddings} positions |
| corpus | ${f.corpusExamples} examples (${(f.corpusTokens / 1e6).toFixed(2)} M tokens), ${(f.corpusCorrect * 100).toFixed(1)}% with the right final answer; step slip rate ${recipe.corpus.slipRate} |
| training | full, AdamW lr ${t.learningRate} (${t.schedule}, ${t.warmupSteps} warmup steps), ${t.batchTokens} tokens per batch, ${f.steps} steps, final loss ${f.finalLoss.toFixed(3)} |
| time | training ${minutes(f.trainSeconds)}; whole script ${minutes(f.totalSeconds)} (a run resumed from its checkpoint counts only its remaining steps) |

## Accuracy on ${a.questions} held-out questions

None of these questions, nor the demo's train and test questions, is in the corpus.

| decoding | accuracy ± SE |
|---|---|
| one sample at temperature ${a.temperature} (the demo's) | ${pct(a.sample)} |
| greedy | ${pct(a.greedy)} |
| majority of 3 samples | ${pct(a.majorityOf3)} |
| debate: 3 agents, 2 rounds, majority of the last | ${pct(a.debate3x2)} |

${(a.wellFormed * 100).toFixed(1)}% of the sampled responses state an answer. Measured in ${a.seconds.toFixed(0)} s.

Where the greedy solutions go wrong, each step checked on its own operands
(pretraining/step-accuracy.ts; ${a.greedySteps.unreadable} of ${a.questions} responses not in the taught format):

| step | example | right |
|---|---|---|
${STEP_KINDS.map((k) => `| ${k} | ${STEP_EXAMPLES[k]} | ${stepRate(a, k)} |`).join('\n')}
${handWritten}`;
}
