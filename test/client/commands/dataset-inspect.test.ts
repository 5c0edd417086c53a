import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { inspectDataset, registerDatasetInspect } from '../../../client/commands/dataset-inspect';
import { fixture } from '../../data/fixtures';

async function inspect(options: Parameters<typeof inspectDataset>[0]): Promise<{ status: number; out: string }> {
  const lines: string[] = [];
  const status = await inspectDataset(options, (line) => lines.push(line));
  return { status, out: lines.join('\n') };
}

void test('a clean file: counts and samples, exit status 0', async () => {
  const { status, out } = await inspect({ task: 'gsm8k', file: fixture('gsm8k.jsonl'), samples: 2 });
  assert.equal(status, 0);
  assert.match(out, /records: 6 {2}valid: 6 {2}invalid: 0/);
  assert.match(out, /samples:\n {2}\[gsm8k\.jsonl:1\] Mia has 3 boxes with 4 pencils each\. How many pencils does she have\?\n {2}answer: 12/);
  assert.ok(out.includes('[gsm8k.jsonl:2]'));
  assert.ok(!out.includes('[gsm8k.jsonl:3]'));
  assert.ok(!out.includes('invalid:\n'));
});

void test('every invalid line is listed with its line number, exit status 1', async () => {
  const { status, out } = await inspect({ task: 'gsm8k', file: fixture('gsm8k-invalid.jsonl') });
  assert.equal(status, 1);
  assert.match(out, /records: 12 {2}valid: 3 {2}invalid: 9/);
  for (const line of [2, 3, 4, 5, 6, 7, 8, 9, 11]) assert.match(out, new RegExp(`gsm8k-invalid\\.jsonl:${line}[: ]`));
});

void test('filters, choices and meta are shown', async () => {
  const math = await inspect({ task: 'math', file: fixture('math.jsonl'), filter: ['level=5'], samples: 1 });
  assert.match(math.out, /filters \{"level":"5"\}: 2 selected, 5 filtered out/);
  assert.match(math.out, /meta: \{"level":"Level 5","type":"Algebra"\}/);
  const mmlu = await inspect({ task: 'mmlu', file: fixture('mmlu.csv'), samples: 1 });
  assert.match(mmlu.out, /choices: 3 \| 4 \| 5 \| 7\n {2}answer: B/);
});

void test('bad options are rejected before reading anything', async () => {
  await assert.rejects(inspect({ task: 'nope', file: 'x' }), /--task must be one of arithmetic, gsm8k/);
  await assert.rejects(inspect({ task: 'arithmetic', file: 'x' }), /task arithmetic is generated/);
  await assert.rejects(inspect({ task: 'math', file: fixture('math.jsonl'), filter: ['level'] }), /--filter\.0 must be key=value/);
});

void test('registered as `dataset inspect` on a commander program, setting the exit status', async () => {
  const program = new Command().exitOverride();
  registerDatasetInspect(program);
  const log = console.log;
  const printed: string[] = [];
  console.log = (line: string) => printed.push(line);
  try {
    await program.parseAsync(['dataset', 'inspect', '--task', 'jsonl', '--file', fixture('generic.jsonl'), '--samples', '0'], { from: 'user' });
  } finally {
    console.log = log;
  }
  assert.equal(process.exitCode, 1);
  process.exitCode = 0;
  assert.match(printed.join('\n'), /invalid:\n {2}.*generic\.jsonl:4 field "answer": missing/);
});
