// The devserver answers a scripted conversation (transcript/scenario.ts: every entity through
// every transition, a restart in the middle) exactly as it did when the transcript was recorded,
// and a log file written by that earlier server replays and carries on the same way. The
// conversation takes every transition that the entity tables declare.
// `UPDATE_TRANSCRIPT=1 node --import tsx --test test/devserver/transcript.test.ts` records both
// files again (only when a behaviour change is intended).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { startDevServer } from '../../devserver/index';
import { StateMachine } from '../../devserver/state-machine';
import { ENTITY_TABLES, rowsOf } from './tables';
import { ManualClock } from './transcript/manual-clock';
import { dumpRuns, normalizer, partOne, partTwo, START_TIME, type ScenarioContext, type Transcript } from './transcript/scenario';

const expectedPath = fileURLToPath(new URL('./transcript/expected.json', import.meta.url));
const fixturePath = fileURLToPath(new URL('./transcript/before-state-machines.db', import.meta.url));
const update = process.env.UPDATE_TRANSCRIPT === '1';

interface Recorded {
  /** The clock when part one ended (where part two starts from the fixture). */
  partOneEndTime: number;
  partOne: Transcript;
  partTwo: Transcript;
}

/** Runs `script` against a devserver on `dbPath`; every answer goes through one normalizer. */
async function converse(dbPath: string, clock: ManualClock, script: (ctx: ScenarioContext) => Promise<void>): Promise<Transcript> {
  const server = await startDevServer({ dbPath, clock, longPollMs: 50 });
  const connection = await Connection.connect({ address: server.address });
  const transcript: Transcript = [];
  const normalize = normalizer();
  try {
    await script({ service: connection.workflowService, clock, record: (step, value) => transcript.push([step, normalize(value)]) });
  } finally {
    await connection.close();
    await server.close();
  }
  return transcript;
}

/** Every transition the server takes while the tests run: "entity: state -action->". */
const taken = new Set<string>();
const transitionName = (entity: string, from: string, action: string): string => `${entity}: ${from} -${action}->`;
const apply = StateMachine.prototype.apply;
StateMachine.prototype.apply = function (this: StateMachine<string, Record<string, unknown>, unknown, unknown>, entity, action, ...request) {
  taken.add(transitionName(this.entity, this.access.get(entity), action));
  return apply.call(this, entity, action, ...request);
};

const bothParts = async (ctx: ScenarioContext): Promise<void> => {
  await partTwo(ctx);
  await dumpRuns(ctx);
};

const withDir = async (fn: (dir: string) => Promise<void>): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'devserver-transcript-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** The recording as JSON with one step per line, so that a change shows up as the steps it changed. */
const render = (r: Recorded): string => {
  const steps = (t: Transcript) => `[\n${t.map((entry) => JSON.stringify(entry)).join(',\n')}\n]`;
  return `{"partOneEndTime": ${r.partOneEndTime},\n"partOne": ${steps(r.partOne)},\n"partTwo": ${steps(r.partTwo)}}\n`;
};

/** Compares step by step, so that a difference names the first step that differs. */
function assertSameTranscript(actual: Transcript, expected: Transcript): void {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    assert.deepEqual(actual[i], expected[i], `step ${i}: ${expected[i]?.[0] ?? actual[i]?.[0]}`);
  }
}

/** Every transition the entity tables declare was taken (by the conversation, which takes them all). */
function assertEveryTransitionTaken(): void {
  const declared = ENTITY_TABLES.flatMap(([entity, table]) => rowsOf(table).map((row) => transitionName(entity, row.from, row.action)));
  assert.deepEqual(declared.filter((t) => !taken.has(t)), [], 'declared transitions the conversation did not take');
}

test('the scripted conversation, with a restart in the middle, matches the recorded transcript and takes every transition', async () => {
  await withDir(async (dir) => {
    const dbPath = join(dir, 'devserver.db');
    const clock = new ManualClock(START_TIME);
    const first = await converse(dbPath, clock, partOne);
    const partOneEndTime = clock.now();
    if (update) copyFileSync(dbPath, fixturePath);
    const second = await converse(dbPath, clock, bothParts);
    if (update) writeFileSync(expectedPath, render({ partOneEndTime, partOne: first, partTwo: second }));
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Recorded;
    assert.equal(partOneEndTime, expected.partOneEndTime);
    assertSameTranscript(first, expected.partOne);
    assertSameTranscript(second, expected.partTwo);
    assertEveryTransitionTaken();
  });
});

test('a log file written by the server the transcript was recorded with replays and carries on', async () => {
  await withDir(async (dir) => {
    const expected = JSON.parse(readFileSync(expectedPath, 'utf8')) as Recorded;
    const dbPath = join(dir, 'devserver.db');
    copyFileSync(fixturePath, dbPath);
    assertSameTranscript(await converse(dbPath, new ManualClock(expected.partOneEndTime), bothParts), expected.partTwo);
  });
});

