// `npm run pretrain:critic-round [-- --model <dir>]`: the critic-round report (critic-round.ts) of
// a model on the pretraining script's own held-out questions (never the demo's), three agents at
// the demo's temperature.
import { Command } from 'commander';
import { getTask } from '../data/tasks';
import { openModel } from '../lm/index';
import { heldOutQuestions } from './corpus';
import { criticRoundReport } from './critic-round';
import { demoQuestionIds } from './demo-questions';
import { TINY_RECIPE } from './tiny-recipe';

const AGENTS = 3;

async function run(): Promise<void> {
  const cli = new Command()
    .option('--model <dir>', 'model directory', 'data/models/tiny')
    .option('--demo-config <file>', 'experiment whose questions are never used', 'configs/demo-2000.yaml')
    .parse()
    .opts<{ model: string; demoConfig: string }>();
  const task = getTask('arithmetic', { promptStyle: 'compact' });
  const { seed, evaluation } = TINY_RECIPE;
  const questions = heldOutQuestions(seed + 1, evaluation.questions, await demoQuestionIds(cli.demoConfig));
  const model = await openModel(cli.model, { device: 'cpu' });
  try {
    const sample = (prompts: string[], streamSeed: number) =>
      model
        .generate(prompts.map((prompt) => ({ prompt })), { maxNewTokens: evaluation.maxNewTokens, temperature: evaluation.temperature, seed: streamSeed })
        .then((gs) => gs.map((g) => g.text));
    const agents = Array.from({ length: AGENTS }, (_, a) => a);
    const round1 = await Promise.all(agents.map((a) => sample(questions.map((q) => task.generationPrompt(q)), seed + 1 + a)));
    const round2 = await Promise.all(
      agents.map((a) =>
        sample(
          questions.map((q, i) => task.criticPrompt(q, round1[a][i], round1.filter((_, b) => b !== a).map((r) => r[i]))),
          seed + 11 + a,
        ),
      ),
    );
    console.log(JSON.stringify(criticRoundReport(task, questions, round1, round2), null, 2));
  } finally {
    await model.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
