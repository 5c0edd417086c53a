// `npm run pretrain:critic-round [-- --model <dir>]`: the critic-round report (critic-round.ts) of
// a model on the pretraining script's own held-out questions (never the demo's): the debate
// the script measures, three agents at the demo's temperature, on the same seeded streams.
import { Command } from 'commander';
import { getTask } from '../data/tasks';
import { openModel } from '../lm/index';
import { heldOutQuestions } from './corpus';
import { criticRoundReport } from './critic-round';
import { demoQuestionIds } from './demo-questions';
import { twoRoundDebate } from './measure-accuracy';
import { TINY_RECIPE } from './tiny-recipe';

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
    const { round1, round2 } = await twoRoundDebate(model, task, questions, { ...evaluation, seed });
    console.log(JSON.stringify(criticRoundReport(task, questions, round1, round2), null, 2));
  } finally {
    await model.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
