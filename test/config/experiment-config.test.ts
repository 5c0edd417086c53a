import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { experimentSchema } from '../../experiment/experiment-schema';
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
  assert.equal(c.finetune.method, 'sft');
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
  assert.match(configError(`${valid}finetune:\n  method: grpo\n`).message, /finetune\.method: "grpo" is reserved .* not implemented yet; use "sft"/);
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
