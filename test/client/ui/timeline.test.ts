// The timeline of an iteration from its recorded history (test/workflows/histories): every
// activity with its label from the input, attempts, status and a duration from the event times.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { workflowTimeline } from '../../../client/ui/timeline';
import { historyFromFileJson } from '../../workflows/history-files';

test('a recorded iteration: 13 completed steps in order, labelled by their step directories', () => {
  const history = historyFromFileJson(readFileSync('test/workflows/histories/iteration-finetune.json', 'utf8'));
  const t = workflowTimeline('run/iter-1', history.events);
  assert.equal(t.status, 'completed');
  assert.equal(t.steps.length, 13);
  assert.deepEqual([...new Set(t.steps.map((s) => s.activity))], ['generateDebate', 'majorityVote', 'splitAgentDatasets', 'finetuneAgent', 'evaluate']);
  for (const s of t.steps) {
    assert.equal(s.status, 'completed');
    assert.equal(s.attempts, 1);
    assert.ok(s.closedMs !== null && s.closedMs >= s.scheduledMs && s.scheduledMs >= t.startMs);
  }
  assert.match(t.steps[0].label, /iter-1\/debate: questions 1–\d+ \(shard 1\/\d\)/);
  assert.match(t.steps.find((s) => s.activity === 'finetuneAgent')!.label, /finetune-.*: agent-\d-\w+ on \d+ examples/);
  assert.ok(t.closeMs !== null && t.closeMs >= t.steps.at(-1)!.closedMs!);
});
