// Full Hugging Face model directories written by maft (a full finetune, a merged adapter):
// the base's config.json and tokenizer files next to new float32 weights, written atomically.

import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelConfig } from '../model-config';
import { writeDirAtomic, writeFileAtomic } from '../../files/atomic-write';
import { readModelConfig } from './hf-config';
import { loadModelWeights, saveModelWeights, type Weights } from './model-weights';
import { loadAdapter, mergeAdapter } from './peft-adapter';
import { readJsonFile } from './json-file';

/** Files besides the weights that make a model directory usable by maft and transformers. */
const companionFiles = [
  'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'generation_config.json', 'chat_template.jinja',
];

export async function saveModelDir(outDir: string, baseDir: string, config: ModelConfig, weights: Weights): Promise<void> {
  const hfConfig = (await readJsonFile(join(baseDir, 'config.json'))) as Record<string, unknown>;
  hfConfig.torch_dtype = 'float32';
  await writeDirAtomic(outDir, async (temp) => {
    await saveModelWeights(temp, weights, config);
    await writeFileAtomic(join(temp, 'config.json'), JSON.stringify(hfConfig, null, 2) + '\n');
    for (const name of companionFiles) {
      try {
        await copyFile(join(baseDir, name), join(temp, name));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  });
}

/** base model + PEFT adapter → a standalone model directory. */
export async function mergeAdapterIntoModel(baseDir: string, adapterDir: string, outDir: string): Promise<void> {
  const config = await readModelConfig(baseDir);
  const weights = await loadModelWeights(baseDir, config);
  const adapter = await loadAdapter(adapterDir, config);
  await saveModelDir(outDir, baseDir, config, mergeAdapter(weights, adapter));
}
