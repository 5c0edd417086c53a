// Corpus examples → training sequences, tokenized exactly as lm/'s finetune and generation see
// a prompt and its completion (chat template, completion encoded on its own, then EOS).
import type { TrainSequence } from '../lm/train/train-types';
import type { ModelTokenizer } from '../lm/tokenizer/model-tokenizer';
import type { TrainExample } from '../lm/types';

export function tokenizeExamples(tokenizer: ModelTokenizer, examples: TrainExample[]): TrainSequence[] {
  return examples.map((e) => {
    const { promptIds, completionIds } = tokenizer.encodeExample(e.prompt, e.completion, { appendEos: true });
    return { tokens: Int32Array.from([...promptIds, ...completionIds]), promptLength: promptIds.length };
  });
}
