// The committed default model (data/models/tiny): its files agree with each other and with the
// pipeline's prompts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { getTask } from '../../data/tasks';
import { generateArithmeticQuestions } from '../../data/tasks/arithmetic';
import { readModelConfig } from '../../lm/formats/hf-config';
import { expectedTensorShapes } from '../../lm/formats/model-weights';
import { SafetensorsFile } from '../../lm/formats/safetensors-read';
import { loadTokenizer } from '../../lm/tokenizer/model-tokenizer';
import { STEP_KINDS, stepAccuracy } from '../../pretraining/step-accuracy';

const dir = 'data/models/tiny';
const MIN_RATE = 0.8;
const task = getTask('arithmetic', { promptStyle: 'compact' });

void test('the model directory holds the four model files and a README, at most 20 MB together', async () => {
  const names = (await readdir(dir)).sort();
  for (const name of ['README.md', 'config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
    assert.ok(names.includes(name), `${dir}/${name} is missing`);
  }
  let bytes = 0;
  for (const name of names) bytes += (await stat(join(dir, name))).size;
  assert.ok(bytes <= 20 * 1024 * 1024, `${bytes} bytes`);
});

void test('config.json, tokenizer and safetensors agree: vocabulary, eos, every tensor and its shape', async () => {
  const config = await readModelConfig(dir);
  const tokenizer = await loadTokenizer(dir);
  tokenizer.checkAgainst(config);
  assert.equal(tokenizer.vocabSize, config.vocabSize);
  assert.deepEqual(config.eosTokenIds, [tokenizer.eosTokenId]);
  assert.equal(config.headDim % 8, 0);
  const file = await SafetensorsFile.open(join(dir, 'model.safetensors'));
  try {
    const expected = expectedTensorShapes(config);
    assert.deepEqual([...file.tensors.keys()].sort(), [...expected.keys()].sort());
    for (const [name, shape] of expected) assert.deepEqual(file.info(name).shape, shape, name);
  } finally {
    await file.close();
  }
});

void test('prompts sent as chat messages tokenize exactly like the compact prompt text, digits one by one', async () => {
  const tokenizer = await loadTokenizer(dir);
  const [q] = generateArithmeticQuestions(5, 1);
  const own = ' 1*2=2, 3*4=12, 5+2=7, 7+6=13, 13-12=1. Answer: 1';
  for (const text of [task.generationPrompt(q), task.criticPrompt(q, own, [own, ' Answer: -40']), task.summarizerPrompt(q, [own])]) {
    assert.deepEqual(tokenizer.encodePrompt([{ role: 'user', content: text }]), tokenizer.encodePrompt(text));
    assert.equal(tokenizer.decode(tokenizer.encodePrompt(text)), text);
  }
  const ids = tokenizer.encode('Answer: 1234567890', { addSpecialTokens: false });
  const digits = ids.map((id) => tokenizer.decode([id])).filter((t) => /\d/.test(t));
  assert.deepEqual(digits, ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0']);
});

void test('the model answers held-out questions with worked solutions whose steps are mostly right', async () => {
  const { openModel } = await import('../../lm/index');
  const questions = generateArithmeticQuestions(424242, 16);
  const model = await openModel(dir, { device: 'cpu' });
  try {
    const out = await model.generate(questions.map((q) => ({ prompt: task.generationPrompt(q) })), { maxNewTokens: 128, temperature: 0, seed: 1 });
    out.forEach((g, i) => {
      assert.equal(g.finishReason, 'eos', g.text);
      assert.ok(g.text.startsWith(` ${questions[i].question}: `), `the solution restates the question: ${g.text}`);
    });
    const steps = stepAccuracy(out.map((g) => g.text));
    assert.equal(steps.unreadable, 0, 'every response is in the taught format');
    // The README measures every kind at MIN_RATE or better on 400 questions; a broken model gets few right.
    for (const kind of STEP_KINDS) {
      const { right, steps: n } = steps[kind];
      assert.ok(n > 0 && right / n >= MIN_RATE, `${right} of ${n} ${kind} steps right`);
    }
  } finally {
    await model.close();
  }
});
