// What RL needs from the runtime, end to end on a small random model: per-token log-probs that
// equal generate()'s, policy-gradient and PPO updates that move the policy the way their
// advantages say, value and verifier models saved as PEFT SEQ_CLS adapters and scored back,
// resume after the training process is killed, and named errors for bad input.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LmInputError } from '../../lm/errors';
import { baseModelFingerprint, loadHeadModel, saveHeadModel } from '../../lm/formats/head-model';
import { readModelConfig } from '../../lm/formats/hf-config';
import { loadModelWeights } from '../../lm/formats/model-weights';
import { SafetensorsFile } from '../../lm/formats/safetensors-read';
import { entropyOf } from '../../lm/generate/logits';
import { writeRandomModelDir } from '../../lm/random-model-dir';
import { finetune, finetuneRl } from '../../lm/runtime/finetune';
import { openModel } from '../../lm/runtime/open-model';
import type { RlFinetuneJob } from '../../lm/runtime/run-finetune';
import type { FinetuneOptions, FinetuneProgress, LanguageModel, RlExample, RlFinetuneOptions } from '../../lm/types';

const cpu = { device: 'cpu' as const, threads: 1 };
let dir: string;
let modelDir: string;
let policyDir: string;
let model: LanguageModel;

const lora = { rank: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj', 'up_proj'] };
const options: RlFinetuneOptions = {
  method: 'lora', lora, learningRate: 3e-2, epochs: 4, batchTokens: 256, gradientAccumulation: 1, weightDecay: 0,
  betas: [0.9, 0.999], warmupSteps: 0, schedule: 'constant', maxGradNorm: 1, seed: 5,
};
const prompts = Array.from({ length: 6 }, (_, i) => [{ role: 'user' as const, content: `What is ${i} + ${i % 3}?` }]);

async function rejectsWith(promise: Promise<unknown>, ...parts: string[]): Promise<void> {
  await assert.rejects(promise, (err: Error) => {
    assert.ok(err instanceof LmInputError, `expected LmInputError, got ${err.name}: ${err.message}`);
    for (const part of parts) assert.ok(err.message.includes(part), `"${err.message}" should name ${part}`);
    return true;
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maft-rl-'));
  modelDir = join(dir, 'model');
  await writeRandomModelDir(modelDir, { seed: 2, initStd: 0.5 });
  // A non-trivial policy adapter, so "with an adapter" differs from the base.
  policyDir = join(dir, 'policy');
  await finetune({
    modelDir, outDir: policyDir, checkpointDir: join(dir, 'ck-policy'), runtime: cpu,
    examples: prompts.map((prompt, i) => ({ prompt, completion: `It is ${i}.` })),
    options: { ...options, method: 'lora', epochs: 2 } satisfies FinetuneOptions,
  });
  model = await openModel(modelDir, cpu);
});
after(async () => {
  await model.close();
  await rm(dir, { recursive: true, force: true });
});

describe('scoreTokens', () => {
  it("gives generate()'s own log-probs for its sampled tokens (1e-5), with and without an adapter", async () => {
    for (const adapter of [undefined, policyDir]) {
      const requests = prompts.map((prompt) => ({ prompt, adapter }));
      // MAPoRL's sampling (temperature 0.7, top-p): generate() reports log-probs of the unmodified distribution.
      const generations = await model.generate(requests, { maxNewTokens: 12, temperature: 0.7, topP: 0.9, seed: 9 });
      // Mixed lengths in one scoring batch: left padding must not change a token's log-prob.
      const scored = await model.scoreTokens(generations.map((g, i) => ({ prompt: prompts[i], completion: g.tokenIds, adapter })), { entropy: true });
      let worst = 0;
      generations.forEach((g, i) => {
        assert.deepEqual(scored[i].tokenIds, g.tokenIds);
        g.logprobs.forEach((lp, t) => (worst = Math.max(worst, Math.abs(lp - scored[i].logprobs[t]))));
        assert.ok(scored[i].entropies!.every((h) => h >= 0 && h <= Math.log(model.info.vocabSize) + 1e-9));
      });
      console.log(`${adapter ? 'adapter' : 'base'}: max |generate − scoreTokens| log-prob = ${worst.toExponential(2)} over ${generations.reduce((n, g) => n + g.tokenIds.length, 0)} tokens`);
      assert.ok(worst <= 1e-5, `log-probs differ by ${worst}`);
    }
    assert.ok(new Set((await model.generate(prompts.map((prompt) => ({ prompt })), { maxNewTokens: 6, temperature: 1, seed: 9 })).map((g) => g.tokenIds.join())).size > 1);
  });

  it('sums to score() for text completions, and entropies are −Σ p log p', async () => {
    const request = { prompt: 'The answer is', completion: ' 42, of course' };
    const [tokens] = await model.scoreTokens([request]);
    const [score] = await model.score([request]);
    assert.equal(tokens.logprobs.length, score.tokens);
    assert.equal(tokens.logprobs.reduce((a, b) => a + b, 0), score.sumLogprob);
    assert.ok(Math.abs(entropyOf(Float32Array.of(0, 0, 0, 0)) - Math.log(4)) < 1e-12);
    assert.ok(Math.abs(entropyOf(Float32Array.of(0, Math.log(3))) - -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))) < 1e-7);
    await rejectsWith(model.scoreTokens([{ prompt: 'x', completion: [1, model.info.vocabSize] }]), `token id ${model.info.vocabSize}`);
  });
});

/** Completions sampled from the base model, half rewarded +1 and half −1 (a GRPO group). */
async function rollout(): Promise<{ examples: RlExample[]; sign: number[] }> {
  const generations = await model.generate(prompts.map((prompt) => ({ prompt })), { maxNewTokens: 8, temperature: 1, seed: 3 });
  const scored = await model.scoreTokens(generations.map((g, i) => ({ prompt: prompts[i], completion: g.tokenIds })));
  const sign = prompts.map((_, i) => (i % 2 === 0 ? 1 : -1));
  const examples = generations.map((g, i): RlExample => ({ prompt: prompts[i], completion: g.tokenIds, advantage: sign[i], oldLogprobs: g.logprobs, refLogprobs: scored[i].logprobs }));
  return { examples, sign };
}

describe('finetuneRl', () => {
  it('policy gradient (GRPO, sequence-sum as CoMLRL) raises the log-prob of positive-advantage completions and lowers the rest', async () => {
    const { examples, sign } = await rollout();
    const outDir = join(dir, 'grpo');
    await finetuneRl({ modelDir, examples, objective: { policy: { kind: 'pg' }, kl: { beta: 0.01 }, normalize: 'sequence-sum' }, options, outDir, checkpointDir: join(dir, 'ck-grpo'), runtime: cpu });
    const config = JSON.parse(await readFile(join(outDir, 'adapter_config.json'), 'utf8'));
    assert.equal(config.task_type, 'CAUSAL_LM', 'a policy stays a plain PEFT LoRA adapter');
    const before = await model.scoreTokens(examples.map((e) => ({ prompt: e.prompt, completion: e.completion })));
    const after = await model.scoreTokens(examples.map((e) => ({ prompt: e.prompt, completion: e.completion, adapter: outDir })));
    const change = before.map((b, i) => mean(after[i].logprobs) - mean(b.logprobs));
    console.log(`mean log-prob change per completion: ${change.map((c) => c.toFixed(3)).join(' ')} (advantages ${sign.join(' ')})`);
    change.forEach((c, i) => assert.ok(Math.sign(c) === sign[i], `completion ${i}: change ${c} against advantage ${sign[i]}`));
  });

  it('PPO resumes after its process is killed to the same adapter as an uninterrupted run, and reports TRL’s metrics', async () => {
    const { examples } = await rollout();
    const job = (name: string): RlFinetuneJob => ({
      modelDir, examples, objective: { policy: { kind: 'ppo', clip: 0.2 }, kl: { beta: 0.05 }, normalize: 'token-mean' },
      options: { ...options, epochs: 6, batchTokens: 128 }, outDir: join(dir, `${name}-out`), checkpointDir: join(dir, `${name}-ck`), checkpointEvery: 1, runtime: cpu,
    });
    const progress: FinetuneProgress[] = [];
    const whole = await finetuneRl({ ...job('ppo'), onProgress: (p) => progress.push(p) });
    // Step 1 sees the data's own policy: ratio 1 up to the generate/score difference (≤ 1e-5 per token).
    assert.equal(progress[0].metrics!.clipFraction, 0);
    assert.ok(progress[0].metrics!.approxKl! < 1e-9, `approxKl ${progress[0].metrics!.approxKl}`);
    assert.ok(progress[0].metrics!.refKl! < 1e-9);
    // TRL's tempered log-probs: π_old scored at the same temperature is the trainer's π at step 1; the untempered one is not.
    const firstKl = async (name: string, oldLogprobs: number[][]): Promise<number> => {
      const steps: FinetuneProgress[] = [];
      await finetuneRl({
        ...job(name), objective: { policy: { kind: 'ppo', clip: 0.2 }, normalize: 'token-mean', temperature: 0.7 }, options: { ...options, epochs: 1, batchTokens: 128 },
        examples: examples.map((e, i) => ({ ...e, oldLogprobs: oldLogprobs[i] })), onProgress: (p) => steps.push(p),
      });
      return steps[0].metrics!.approxKl!;
    };
    const tempered = await model.scoreTokens(examples.map((e) => ({ prompt: e.prompt, completion: e.completion })), { temperature: 0.7 });
    assert.ok((await firstKl('ppo-tempered', tempered.map((t) => t.logprobs))) < 1e-9);
    assert.ok((await firstKl('ppo-untempered', examples.map((e) => e.oldLogprobs!))) > 1e-3);
    const last = progress[progress.length - 1].metrics!;
    console.log(`PPO: ${whole.steps} steps, last step clipFraction ${last.clipFraction}, approxKl ${last.approxKl!.toExponential(2)}, refKl ${last.refKl!.toExponential(2)}`);
    assert.ok(last.approxKl! > 1e-6 && last.refKl! > 1e-6, 'the policy moved away from the sampling policy');

    const killed = job('ppo-killed');
    const jobFile = join(dir, 'job.json');
    await writeFile(jobFile, JSON.stringify(killed));
    const child = spawn(process.execPath, ['--import', 'tsx', new URL('./rl-finetune-child.ts', import.meta.url).pathname, jobFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/step 4\n/.test(output)) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited with ${code} before it was killed:\n${output}`))));
    });
    const resumed = await finetuneRl(killed);
    console.log(`killed after "${output.trim().split('\n').pop()}", resumed from step ${resumed.resumedFromStep}`);
    // "step 4" is printed before step 4 is checkpointed, so step 3 is the latest checkpoint known to exist.
    assert.ok(resumed.resumedFromStep >= 3 && resumed.resumedFromStep < whole.steps, `resumed from ${resumed.resumedFromStep}`);
    assert.equal(resumed.steps, whole.steps);
    assert.equal(resumed.finalLoss, whole.finalLoss);
    assert.deepEqual(await readFile(join(killed.outDir, 'adapter_model.safetensors')), await readFile(join(whole.outDir, 'adapter_model.safetensors')));
  });

  it('a value model (LoRA + head, clipped value loss) is a PEFT SEQ_CLS adapter whose values move towards the returns', async () => {
    const { examples } = await rollout();
    const valued = examples.map((e, i) => {
      const n = (e.completion as number[]).length;
      return { prompt: e.prompt, completion: e.completion, returns: Array.from({ length: n }, (_, t) => (i % 2 ? 1 : -1) * (t + 1) / n), oldValues: new Array<number>(n).fill(0) };
    });
    const outDir = join(dir, 'value');
    const losses: number[] = [];
    await finetuneRl({
      modelDir, examples: valued, objective: { head: { kind: 'value', clip: 10 }, normalize: 'token-mean' }, options: { ...options, epochs: 12 },
      outDir, checkpointDir: join(dir, 'ck-value'), runtime: cpu, onProgress: (p) => losses.push(p.loss),
    });
    console.log(`value loss ${losses[0].toFixed(4)} → ${losses[losses.length - 1].toFixed(4)}`);
    assert.ok(losses[losses.length - 1] < losses[0] / 2);
    const config = JSON.parse(await readFile(join(outDir, 'adapter_config.json'), 'utf8'));
    assert.equal(config.task_type, 'SEQ_CLS');
    assert.deepEqual(config.modules_to_save, ['score']);
    assert.deepEqual(config.target_modules, ['q_proj', 'v_proj', 'up_proj']);
    const file = await SafetensorsFile.open(join(outDir, 'adapter_model.safetensors'));
    const hidden = (await readModelConfig(modelDir)).hiddenSize;
    assert.deepEqual(file.info('base_model.model.score.weight').shape, [1, hidden]);
    assert.ok(file.tensors.has('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight'));
    await file.close();

    const scored = await model.scoreHead(valued.map((e) => ({ prompt: e.prompt, completion: e.completion, head: outDir })));
    const error = (k: number) => mean(scored[k].values.map((v, t) => (v - valued[k].returns[t]) ** 2));
    assert.ok(mean(scored.map((_, k) => error(k))) < 0.5 * mean(valued.map((v) => mean(v.returns.map((r) => r * r)))), 'values fit the returns better than zero');
    await rejectsWith(model.generate([{ prompt: 'x', adapter: outDir }], { maxNewTokens: 1, temperature: 0, seed: 0 }), 'modules_to_save', 'scoreHead');
  });

  it('a verifier head on the frozen base (method head) learns correctness labels with BCE on the last token', async () => {
    const labelled = prompts.map((prompt, i) => ({ prompt, completion: i % 2 ? ' wrong answer' : ' right answer', label: i % 2 ? 0 : 1 }));
    const outDir = join(dir, 'verifier');
    await finetuneRl({
      modelDir, examples: labelled, objective: { head: { kind: 'verifier' }, normalize: 'token-mean' }, options: { ...options, method: 'head', lora: undefined, learningRate: 0.1, epochs: 30 },
      outDir, checkpointDir: join(dir, 'ck-verifier'), runtime: cpu,
    });
    const config = JSON.parse(await readFile(join(outDir, 'adapter_config.json'), 'utf8'));
    assert.deepEqual(config.target_modules, [], 'no LoRA: the head alone');
    const scores = await model.scoreHead(labelled.map((e) => ({ ...e, head: outDir })));
    console.log(`verifier probabilities: ${scores.map((s) => s.probability.toFixed(3)).join(' ')}`);
    scores.forEach((s, i) => assert.ok(labelled[i].label ? s.probability > 0.8 : s.probability < 0.2, `example ${i}: ${s.probability}`));
    assert.ok(Math.abs(scores[0].probability - 1 / (1 + Math.exp(-scores[0].final))) < 1e-12);
  });
});

describe('head models and bad input', () => {
  it('save → load round trip of a head, and a head for another model is an error naming file, tensor and shape', async () => {
    const config = await readModelConfig(modelDir);
    const weights = await loadModelWeights(modelDir, config);
    const head = Float32Array.from({ length: config.hiddenSize }, (_, i) => Math.sin(i));
    const headDir = join(dir, 'head-roundtrip');
    await saveHeadModel(headDir, { head }, { baseModel: modelDir, baseFingerprint: baseModelFingerprint(config, weights) });
    const loaded = await loadHeadModel(headDir, config, weights);
    assert.deepEqual(loaded.head, head);
    assert.equal(loaded.adapter, undefined);

    // Same shapes, other weights: caught by the base fingerprint.
    const otherDir = join(dir, 'other-model');
    await writeRandomModelDir(otherDir, { seed: 3, initStd: 0.5 });
    const other = await openModel(otherDir, cpu);
    try {
      await rejectsWith(other.scoreHead([{ prompt: 'x', completion: ' y', head: headDir }]), join(headDir, 'adapter_model.safetensors'), 'another base model');
    } finally {
      await other.close();
    }
    // Another hidden size: the head tensor's shape is named.
    const wideDir = join(dir, 'wide-head');
    await saveHeadModel(wideDir, { head: new Float32Array(config.hiddenSize + 1) }, { baseModel: modelDir, baseFingerprint: 'x' });
    await rejectsWith(loadHeadModel(wideDir, config, weights), 'base_model.model.score.weight', `[1, ${config.hiddenSize + 1}]`, `[1, ${config.hiddenSize}]`);
  });

  it('rejects mismatched lengths, non-finite signals, missing fields and bad labels, naming the example and field', async () => {
    const { examples } = await rollout();
    const base = { modelDir, options, outDir: join(dir, 'bad'), checkpointDir: join(dir, 'ck-bad'), runtime: cpu };
    const ppo = { policy: { kind: 'ppo' as const, clip: 0.2 }, normalize: 'token-mean' as const };
    const n = (examples[1].completion as number[]).length;
    const edit = (k: number, change: Partial<RlExample>) => examples.map((e, i) => (i === k ? { ...e, ...change } : e));
    await rejectsWith(finetuneRl({ ...base, objective: ppo, examples: edit(1, { oldLogprobs: examples[1].oldLogprobs!.slice(1) }) }), 'training sequence 1', `oldLogprobs has ${n - 1} values for ${n} completion tokens`);
    await rejectsWith(finetuneRl({ ...base, objective: ppo, examples: edit(2, { advantage: undefined, advantages: new Array<number>((examples[2].completion as number[]).length).fill(NaN) }) }), 'training sequence 2', 'advantages[0] is NaN');
    await rejectsWith(finetuneRl({ ...base, objective: ppo, examples: edit(0, { advantage: Infinity }) }), 'training sequence 0', 'advantages[0] is Infinity');
    await rejectsWith(finetuneRl({ ...base, objective: { ...ppo, kl: { beta: 0.1 } }, examples: edit(3, { refLogprobs: undefined }) }), 'training sequence 3', 'refLogprobs is missing');
    await rejectsWith(finetuneRl({ ...base, objective: { head: { kind: 'verifier' }, normalize: 'token-mean' }, examples: edit(0, { label: 2 }) }), 'training sequence 0', 'label must be a number in [0, 1]');
    await rejectsWith(finetuneRl({ ...base, objective: { ...ppo, policy: { kind: 'ppo', clip: 1.5 } }, examples }), 'policy.clip');
    await rejectsWith(finetuneRl({ ...base, objective: { head: { kind: 'value' }, normalize: 'token-mean' }, options: { ...options, method: 'full' }, examples }), 'method "lora" or "head"');
  });
});
