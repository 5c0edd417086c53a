// A small byte-level BPE trainer for maft's own tiny models. It writes the tokenizer.json
// layout that Hugging Face tokenizers (Rust, Python, JS) load: special tokens first, then the
// 256 byte symbols, then one token per merge, in merge order.

import { join } from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write';
import { byteToUnicode, gpt2Split } from './byte-level';

export interface SpecialTokens {
  bos?: string;
  eos: string;
  /** Defaults to the eos token. */
  pad?: string;
  additional?: string[];
}

export interface BuiltTokenizer {
  /** Number of tokens (ids 0..vocabSize-1); below the requested size when the corpus runs out of pairs. */
  vocabSize: number;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

interface Word {
  symbols: string[];
  count: number;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Word counts of the corpus in byte-level symbols; special tokens are cut out of the text first. */
function countWords(corpus: string[], specials: string[]): Word[] {
  const cut = specials.length ? new RegExp(specials.map(escapeRegex).join('|'), 'g') : undefined;
  const raw = new Map<string, number>();
  for (const text of corpus) {
    for (const piece of cut ? text.split(cut) : [text]) {
      for (const [word] of piece.matchAll(gpt2Split)) raw.set(word, (raw.get(word) ?? 0) + 1);
    }
  }
  // Byte-map each distinct word once (most of a corpus is repeats).
  const chars = byteToUnicode();
  const encoder = new TextEncoder();
  const counts = new Map<string, number>();
  for (const [word, count] of raw) {
    const mapped = Array.from(encoder.encode(word), (b) => chars[b]).join('');
    counts.set(mapped, (counts.get(mapped) ?? 0) + count);
  }
  // Sorted so training does not depend on the corpus order of first appearance.
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([w, count]) => ({ symbols: Array.from(w), count }));
}

/** Learns merges until `vocabSize` tokens or no pair occurs twice. */
function learnMerges(words: Word[], maxMerges: number): [string, string][] {
  const pairCounts = new Map<string, number>();
  const pairWords = new Map<string, Set<number>>();
  const pairKey = (a: string, b: string) => `${a} ${b}`; // byte-level symbols never contain a space
  const addPairs = (index: number, sign: 1 | -1) => {
    const { symbols, count } = words[index];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i], symbols[i + 1]);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(index);
      }
    }
  };
  words.forEach((_, i) => addPairs(i, 1));

  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    let best: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split(' ');
    merges.push([left, right]);
    for (const index of pairWords.get(best) ?? []) {
      addPairs(index, -1);
      const { symbols } = words[index];
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          merged.push(left + right);
          i++;
        } else merged.push(symbols[i]);
      }
      words[index].symbols = merged;
      addPairs(index, 1);
    }
    pairCounts.delete(best);
    pairWords.delete(best);
  }
  return merges;
}

export function buildByteLevelBpeTokenizer(
  corpus: string[],
  vocabSize: number,
  specialTokens: SpecialTokens,
  chatTemplate?: string,
): BuiltTokenizer {
  const specials = [
    ...new Set([specialTokens.bos, specialTokens.eos, specialTokens.pad, ...(specialTokens.additional ?? [])]),
  ].filter((t): t is string => t !== undefined);
  if (vocabSize < specials.length + 256) {
    throw new Error(`vocabSize ${vocabSize} is below ${specials.length} special tokens + 256 byte symbols`);
  }
  const vocab: Record<string, number> = {};
  specials.forEach((token, id) => (vocab[token] = id));
  for (const char of byteToUnicode()) vocab[char] = Object.keys(vocab).length;
  const merges = learnMerges(countWords(corpus, specials), vocabSize - specials.length - 256);
  for (const [a, b] of merges) {
    // Two merge paths can spell the same token ("a"+"bc", "ab"+"c"): it keeps its first id.
    if (!Object.hasOwn(vocab, a + b)) vocab[a + b] = Object.keys(vocab).length;
  }

  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specials.map((content, id) => ({
      id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  const tokenizerConfig: Record<string, unknown> = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: specialTokens.bos ?? null,
    eos_token: specialTokens.eos,
    pad_token: specialTokens.pad ?? specialTokens.eos,
    unk_token: null,
    add_bos_token: false,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 1_000_000,
    added_tokens_decoder: Object.fromEntries(
      specials.map((content, id) => [
        String(id),
        { content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
      ]),
    ),
  };
  if (chatTemplate !== undefined) tokenizerConfig.chat_template = chatTemplate;
  return { vocabSize: Object.keys(vocab).length, tokenizerJson, tokenizerConfig };
}

/** Writes tokenizer.json and tokenizer_config.json into a model directory. */
export async function saveTokenizer(dir: string, built: BuiltTokenizer): Promise<void> {
  await writeFileAtomic(join(dir, 'tokenizer.json'), JSON.stringify(built.tokenizerJson, null, 2) + '\n');
  await writeFileAtomic(join(dir, 'tokenizer_config.json'), JSON.stringify(built.tokenizerConfig, null, 2) + '\n');
}
