import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { experimentSchema } from '../../experiment/experiment-schema';
import type { ExperimentConfig } from '../../experiment/experiment-schema';
import { loadExperimentConfig, parseExperimentConfig } from '../../config/load-experiment';

const dir = mkdtempSync(join(tmpdir(), 'maft-config-'));
const modelDir = join(dir, 'model');
mkdirSync(modelDir);
writeFileSync(join(modelDir, 'config.json'), '{}');

const valid = `seed: 3
task:
  name: arithmetic
  trainSize: 16
  testSize: 16
model:
  path: ${modelDir}
agents: 3
rounds: 2
iterations: 2
critic:
  w: 0.5
`;

function configError(text: string): ConfigError {
  try {
    parseExperimentConfig('exp.yaml', text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('the config was accepted');
}

test('a valid config gets its defaults', () => {
  const c = parseExperimentConfig('exp.yaml', valid);
  assert.equal(c.method, 'multiagent-ft');
  assert.equal(c.finetune.from, 'previous');
  assert.equal(c.critic.shortfall, 'shrink');
  assert.equal(c.finetune.generation.mode, 'lora');
  assert.deepEqual(c.baselines, []);
});

test('w = 1.5 names critic.w and its line', () => {
  const err = configError(valid.replace('w: 0.5', 'w: 1.5'));
  assert.equal(err.key, 'critic.w');
  assert.equal(err.line, 12);
  assert.match(err.message, /^exp\.yaml:12: critic\.w: .*<=1/);
});

test('N = 0 names agents', () => {
  const err = configError(valid.replace('agents: 3', 'agents: 0'));
  assert.equal(err.key, 'agents');
  assert.equal(err.line, 8);
});

test('a missing data file is named', () => {
  const err = configError(valid.replace('name: arithmetic', `name: jsonl\n  file: ${join(dir, 'nope.jsonl')}`));
  assert.equal(err.key, 'task.file');
  assert.match(err.message, /data file not found: .*nope\.jsonl/);
  assert.equal(configError(valid.replace('name: arithmetic', 'name: gsm8k')).key, 'task.file');
});

test('an unknown task lists the known ones', () => {
  const err = configError(valid.replace('name: arithmetic', 'name: chess'));
  assert.equal(err.key, 'task.name');
  assert.match(err.message, /unknown task "chess"; known: arithmetic/);
});

test('unknown keys, reserved methods, bad YAML and a missing model are refused', () => {
  assert.equal(configError(`${valid}agentz: 3\n`).key, '');
  assert.match(configError(`${valid}agentz: 3\n`).message, /agentz/);
  assert.match(configError(`${valid}finetune:\n  method: sft\n`).message, /^exp\.yaml:14: finetune\.method: removed: the top-level `method` says which method runs/);
  assert.equal(configError(`${valid}method: ppo\n`).key, 'method');
  assert.match(configError(`${valid}  bad: [\n`).message, /^exp\.yaml:\d+: invalid YAML/);
  assert.equal(configError(valid.replace(`path: ${modelDir}`, `path: ${dir}`)).key, 'model.path');
  assert.equal(configError(`${valid}baselines: [without-summary]\n`).key, 'baselines');
});

test('an unknown key is reported on its own line, at the top level and nested', () => {
  // valid has 12 lines; the key comes after it, below a nested map.
  const top = configError(`${valid}finetune:\n  from: base\nbogusKey:\n  deep: 1\n`);
  assert.equal(top.line, 15);
  assert.match(top.message, /^exp\.yaml:15: Unrecognized key: "bogusKey"/);
  const nested = configError(`${valid}finetune:\n  generation:\n    rank: 4\n    bogusNested: 3\n`);
  assert.equal(nested.line, 16);
  assert.match(nested.message, /^exp\.yaml:16: finetune\.generation: Unrecognized key: "bogusNested"/);
});

test('a multiagent-ft config parses exactly as before the RL methods: its hashed sub-objects are unchanged', () => {
  const c = parseExperimentConfig('exp.yaml', valid);
  const lora = { mode: 'lora', rank: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], learningRate: 1e-3, epochs: 1, weightDecay: 0, batchTokens: 1024, gradientAccumulation: 1, warmupSteps: 0, schedule: 'cosine', maxGradNorm: 1 };
  assert.deepEqual(
    { task: c.task, model: c.model, sampling: c.sampling, debate: c.debate, critic: c.critic, finetune: c.finetune, evaluation: c.evaluation },
    {
      task: { name: 'arithmetic', promptStyle: 'paper', trainSize: 16, testSize: 16, skipInvalid: false },
      model: { path: modelDir, device: 'cpu' },
      sampling: { temperature: 0.7, topP: 1, maxTokens: 256 },
      debate: { style: 'debate', summarize: false, shardSize: 32 },
      critic: { w: 0.5, shortfall: 'shrink' },
      finetune: { from: 'previous', ties: 'use', generation: lora, critic: lora },
      evaluation: { includeBase: true, nllDiversity: true },
    },
  );
  assert.ok(!('maporl' in c) && !('magrpo' in c));
});

/** The schema alone: the loader refuses maporl and magrpo until their workflows exist. */
function schemaParse(text: string): ExperimentConfig {
  return experimentSchema.parse(parse(text));
}
const rlBase = 'task: { name: arithmetic, trainSize: 16, testSize: 16 }\niterations: 1\n';

test('maporl: the paper\'s and the code\'s defaults, agents 2 and turns 3, sampling at 0.7 and 300 tokens', () => {
  const c = schemaParse(`${rlBase}method: maporl\n`);
  assert.ok(c.method === 'maporl');
  assert.deepEqual([c.agents, c.rounds, c.sampling], [2, 3, { temperature: 0.7, topP: 1, maxTokens: 300 }]);
  assert.deepEqual(c.maporl, {
    baselines: [],
    rewardDiscount: 0.3,
    incentives: { alpha0: 0, alpha1: 0, beta0: 0, beta1: 0 },
    verifier: 'ground-truth',
    verifierTraining: { samplesPerQuestion: 4, lora: { rank: 16, alpha: 32, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] }, learningRate: 2e-4, epochs: 1 },
    parameters: 'per-turn',
    trainTurns: 'from-2',
    valueSimplification: true,
    lora: { rank: 8, alpha: 16, dropout: 0.05, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'] },
    ppo: { learningRate: 1e-5, klCoef: 0.002, valueCoef: 0.1, epochs: 4, batchSize: 32, miniBatches: 8, clip: 0.2, valueClip: 0.2, gamma: 1, lambda: 0.95, whitenAdvantages: true },
  });
  // What the YAML says wins over the method's defaults, key by key.
  const own = schemaParse(`${rlBase}method: maporl\nagents: 3\nsampling: { temperature: 1 }\nmaporl: { incentives: { alpha1: 2 } }\n`);
  assert.ok(own.method === 'maporl');
  assert.deepEqual([own.agents, own.rounds, own.sampling.temperature, own.sampling.maxTokens, own.maporl.incentives.alpha1], [3, 3, 1, 300, 2]);
});

test('magrpo: CoMLRL\'s defaults, K = 4, 2 turns, sampling 0.6 / 0.6 / top-k 50', () => {
  const c = schemaParse(`${rlBase}method: magrpo\nmagrpo: { terminationThreshold: 0.9 }\n`);
  assert.ok(c.method === 'magrpo');
  assert.deepEqual([c.agents, c.rounds, c.sampling], [2, 2, { temperature: 0.6, topP: 0.6, topK: 50, maxTokens: 256 }]);
  assert.deepEqual(c.magrpo, {
    baselines: [],
    numGenerations: 4,
    discount: 0.9,
    jointMode: 'aligned',
    terminationThreshold: 0.9,
    advantageMode: 'mean',
    learningRate: 5e-6,
    reward: 'mean-correct',
    lora: { rank: 8, alpha: 16, dropout: 0, targetModules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
  });
  const custom = schemaParse(`${rlBase}method: magrpo\nmagrpo: { reward: { module: r.ts }, klBeta: 0.1 }\n`);
  assert.ok(custom.method === 'magrpo');
  assert.deepEqual([custom.magrpo.reward, custom.magrpo.terminationThreshold, custom.magrpo.klBeta], [{ module: 'r.ts', export: 'default' }, -0.2, 0.1]);
});

test('bad RL configs are refused before any work, naming the key', () => {
  const rlText = (text: string): string => `${valid.replace(/agents: 3\nrounds: 2\n/, '').replace('critic:\n  w: 0.5\n', '')}${text}`;
  const rl = (text: string) => configError(rlText(text));
  const loadedRl = (text: string) => parseExperimentConfig('exp.yaml', rlText(text));
  assert.equal(rl('method: magrpo\nmagrpo: { numGenerations: 1, terminationThreshold: null }\n').key, 'magrpo.numGenerations');
  assert.equal(rl('method: maporl\nmaporl: { verifier: oracle }\n').key, 'maporl.verifier');
  assert.equal(rl('method: maporl\nmaporl: { ppo: { clip: 0 } }\n').key, 'maporl.ppo.clip');
  assert.equal(rl('method: maporl\nmaporl: { ppo: { valueClip: -0.1 } }\n').key, 'maporl.ppo.valueClip');
  assert.equal(rl('method: maporl\nmaporl: { verifier: model }\n').key, 'maporl.verifierTraining.trainSize');
  assert.equal(rl('method: maporl\nrounds: 1\n').key, 'maporl.trainTurns');
  assert.equal(rl('method: maporl\nmaporl: { ppo: { miniBatches: 5 } }\n').key, 'maporl.ppo.miniBatches');
  assert.equal(rl('method: magrpo\nmagrpo: { advantageMode: max, terminationThreshold: null }\n').key, 'magrpo.advantageMode');
  // A method's section under another method, and multiagent-ft's sections under an RL method.
  assert.match(configError(`${valid}maporl: {}\n`).message, /^exp\.yaml:13: maporl: a maporl section is given, but method is "multiagent-ft"/);
  assert.equal(rl('method: maporl\nmagrpo: {}\n').key, 'magrpo');
  assert.equal(rl('method: maporl\ncritic: { w: 0.5 }\n').key, 'critic');
  assert.equal(rl('method: magrpo\nbaselines: [base]\n').key, 'baselines');
  // CoMLRL's −0.2 with a reward in [0, 1] would never reach turn 2.
  assert.match(rl('method: magrpo\n').message, /magrpo\.terminationThreshold: -0\.2 stops every branch after turn 1: "mean-correct" rewards are in \[0, 1\]/);
  // One turn: no branch to stop, so the config loads.
  assert.equal(loadedRl('method: magrpo\nrounds: 1\nmagrpo: { reward: majority-correct }\n').method, 'magrpo');
  // The loader's checks on disk.
  const missing = rl(`method: magrpo\nmagrpo: { reward: { module: ${join(dir, 'absent-reward.ts')} } }\n`);
  assert.equal(missing.key, 'magrpo.reward.module');
  assert.match(missing.message, /reward module not found: .*absent-reward\.ts/);
});

test('maporl and magrpo load with their defaults; maporl refuses greedy sampling and ε outside (0, 1)', () => {
  const base = valid.replace(/agents: 3\nrounds: 2\n/, '').replace('critic:\n  w: 0.5\n', '');
  const maporl = parseExperimentConfig('exp.yaml', `${base}method: maporl\n`);
  assert.ok(maporl.method === 'maporl');
  assert.equal(maporl.agents, 2);
  assert.equal(maporl.rounds, 3);
  assert.equal(maporl.maporl.ppo.clip, 0.2);
  assert.equal(configError(`${base}method: maporl\nmaporl: { ppo: { clip: 0 } }\n`).key, 'maporl.ppo.clip');
  assert.equal(configError(`${base}method: maporl\nmaporl: { ppo: { clip: 1 } }\n`).key, 'maporl.ppo.clip');
  assert.equal(configError(`${base}method: maporl\nsampling: { temperature: 0 }\n`).key, 'sampling.temperature');
  assert.equal(configError(`${base}method: maporl\nmaporl: { verifier: oracle }\n`).key, 'maporl.verifier');
  // critic and finetune configure the multiagent-sft baseline, and only it.
  const sft = parseExperimentConfig('exp.yaml', `${base}method: maporl\nmaporl: { baselines: [shared-policy, multiagent-sft] }\ncritic: { w: 0.25 }\n`);
  assert.ok(sft.method === 'maporl');
  assert.deepEqual([sft.maporl.baselines, sft.critic.w], [['shared-policy', 'multiagent-sft'], 0.25]);
  assert.equal(configError(`${base}method: maporl\nmaporl: { baselines: [shared-policy] }\ncritic: { w: 0.25 }\n`).key, 'critic');
  assert.equal(configError(`${base}method: maporl\nmaporl: { baselines: [shared-policy, shared-policy] }\n`).key, 'maporl.baselines');
  const reward = join(dir, 'reward.ts');
  writeFileSync(reward, 'export default () => 1;\n');
  const magrpo = parseExperimentConfig('exp.yaml', `${base}method: magrpo\nmagrpo: { reward: { module: ${reward} }, terminationThreshold: 0.5 }\n`);
  assert.ok(magrpo.method === 'magrpo');
  assert.deepEqual(magrpo.magrpo.reward, { module: reward, export: 'default' });
});

test('every shipped config satisfies the schema', () => {
  const files = readdirSync('configs').filter((f) => f.endsWith('.yaml')).map((f) => join('configs', f));
  assert.ok(files.length >= 3, files.join(', '));
  for (const file of files) {
    const result = experimentSchema.safeParse(parse(readFileSync(file, 'utf8')));
    assert.ok(result.success, `${file}: ${result.success ? '' : result.error.message}`);
  }
});

test('`maft start` with a bad config fails on the config, before contacting any server', () => {
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, valid.replace('w: 0.5', 'w: 1.5'));
  // Nothing listens on port 1: reaching the server would be a different error.
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'client/bin.ts', '--address', '127.0.0.1:1', 'start', '--config', file], { encoding: 'utf8' });
  assert.equal(out.status, 1);
  assert.match(out.stderr, new RegExp(`config error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:12: critic\\.w`));
  assert.throws(() => loadExperimentConfig(join(dir, 'absent.yaml')), /absent\.yaml: cannot read the file \(ENOENT\)/);
});
