// The workflows the worker registers.
export { multiagentFinetune } from './multiagent-finetune';
export { finetuneIteration } from './finetune-iteration';
export { magrpo } from './magrpo';
export { magrpoIteration } from './magrpo-iteration';
export { maporl } from './maporl';
export { maporlIteration } from './maporl-iteration';
