// The tiny model's tokenizer: byte-level BPE whose merges are learned from the corpus with its
// numbers cut out, so every number is spelled digit by digit. Merged digits ("20", "56") would
// give each number an arbitrary spelling and make carrying and the times table far harder to
// learn for a model this small; the words around the numbers ("Answer", "Others") still merge.
import { buildByteLevelBpeTokenizer, type BuiltTokenizer } from '../lm/tokenizer/bpe-trainer';

export const TINY_SPECIAL_TOKENS = { eos: '</s>' } as const;

/**
 * The compact prompts end with the line the model completes ("A:"), so a user turn is rendered
 * as is, and chat prompts and plain-text prompts give the same tokens. An assistant turn ends
 * with the end-of-sequence token, which is what stops generation.
 */
export const TINY_CHAT_TEMPLATE =
  "{%- for message in messages -%}" +
  "{%- if message['role'] == 'system' -%}{{ message['content'] + '\\n' }}" +
  "{%- elif message['role'] == 'user' -%}{{ message['content'] }}" +
  "{%- else -%}{{ message['content'] + eos_token }}" +
  '{%- endif -%}' +
  '{%- endfor -%}';

export function buildTinyTokenizer(texts: string[], vocabSize: number): BuiltTokenizer {
  const pieces = texts.flatMap((t) => t.split(/\d+/)).filter((p) => p.length > 0);
  return buildByteLevelBpeTokenizer(pieces, vocabSize, TINY_SPECIAL_TOKENS, TINY_CHAT_TEMPLATE);
}
