// A LanguageModel wrapper for tests of callers that merge calls: it answers a merged call the way
// the callers did before, one call per stream seed with each request at its stream index, so a
// test can compare one merged call against the separate calls it replaces.
import type { GenerateRequest, Generation, LanguageModel } from '../../lm/types';

export function callPerStreamSeed(model: LanguageModel): LanguageModel {
  const generate: LanguageModel['generate'] = async (requests, options) => {
    const bySeed = new Map<number, number[]>();
    requests.forEach((r, i) => {
      const seed = r.stream?.seed ?? options.seed;
      bySeed.set(seed, [...(bySeed.get(seed) ?? []), i]);
    });
    const out: Generation[] = new Array(requests.length);
    for (const [seed, indices] of bySeed) {
      indices.forEach((i, j) => {
        if ((requests[i].stream?.index ?? i) !== j) throw new Error(`request ${i}: stream index ${requests[i].stream?.index} is not its place ${j} among seed ${seed}'s`);
      });
      const alone = await model.generate(indices.map((i): GenerateRequest => ({ prompt: requests[i].prompt, adapter: requests[i].adapter })), { ...options, seed });
      indices.forEach((i, j) => (out[i] = alone[j]));
    }
    return out;
  };
  return { ...model, info: model.info, generate };
}
