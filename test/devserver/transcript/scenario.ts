// A scripted conversation with the devserver over its gRPC API, with no SDK worker: the script
// plays the worker itself (polls, hand-written commands, activity results) and moves a manual
// clock, so every path of every entity — activities, timers, workflow tasks, runs, children,
// external signals and cancels — is taken at a known moment. What the server answers, and every
// history and Describe at the end, is the transcript that transcript.test.ts compares with the
// one recorded before the devserver was re-layered (expected.json).
//
// The script has two parts with a server restart on the same log file between them; the second
// part uses only what the server reports (workflow ids, polls), so it can also start from the log
// file the recorded run left at that point (before-state-machines.db).
import { Connection } from '@temporalio/client';
import Long from 'long';
import { api, type temporal, type Timestamp } from '../../../devserver/proto';
import type { ManualClock } from './manual-clock';

type Command = temporal.api.command.v1.ICommand;
type PollResponse = temporal.api.workflowservice.v1.IPollWorkflowTaskQueueResponse;
type ActivityTask = temporal.api.workflowservice.v1.IPollActivityTaskQueueResponse;
type WorkflowService = Connection['workflowService'];

const { CommandType: C, ParentClosePolicy, WorkflowTaskFailedCause } = api.enums.v1;

/** 2026-01-01T00:00:00Z: where the clock starts. */
export const START_TIME = Date.UTC(2026, 0, 1);
const namespace = 'default';

export const seconds = (s: number) => ({ seconds: Long.fromNumber(Math.floor(s)), nanos: Math.round((s % 1) * 1e9) });
export const payloads = (...values: unknown[]) => ({
  payloads: values.map((v) => ({ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(v)) })),
});
const failure = (message: string, nonRetryable = false) => ({
  message,
  source: 'transcript',
  applicationFailureInfo: { type: 'TranscriptError', nonRetryable },
});

/** The entries of a transcript: a step name and what the server answered, normalized. */
export type Transcript = [step: string, value: unknown][];

/** Keys whose bytes are JSON text (tokens) or payload data: decoded so that ids in them can be normalized. */
const DECODED_KEYS = new Set(['taskToken', 'nextPageToken', 'data']);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Makes an answer comparable across runs: protobuf messages as JSON, bytes decoded, random ids
 * (run ids, request ids) replaced by their order of appearance, wall-clock request ids masked.
 */
export function normalizer(): (value: unknown) => unknown {
  const ids = new Map<string, string>();
  const walk = (v: unknown, key = ''): unknown => {
    if (typeof v === 'string') {
      let text = v;
      if (DECODED_KEYS.has(key)) text = Buffer.from(v, 'base64').toString('utf8');
      if (key === 'requestId') text = text.replace(/\d{13}$/, '<time>');
      return text.replace(UUID, (id) => {
        if (!ids.has(id)) ids.set(id, `<id ${ids.size + 1}>`);
        return ids.get(id)!;
      });
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return (value) => walk(JSON.parse(JSON.stringify(value ?? null)));
}

export interface ScenarioContext {
  service: WorkflowService;
  clock: ManualClock;
  record(step: string, value: unknown): void;
}

/** One workflow id on its own task queue, driven by hand. */
class Workflow {
  token: Uint8Array | undefined;
  constructor(
    private readonly ctx: ScenarioContext,
    readonly id: string,
    readonly taskQueue = `${id}-tq`,
  ) {}

  async start(options: Partial<temporal.api.workflowservice.v1.IStartWorkflowExecutionRequest> = {}): Promise<void> {
    const response = await this.ctx.service.startWorkflowExecution({
      namespace,
      workflowId: this.id,
      workflowType: { name: 'Scripted' },
      taskQueue: { name: this.taskQueue },
      identity: 'script',
      requestId: `start-${this.id}`,
      ...options,
    });
    this.ctx.record(`${this.id}: start`, { started: response.started });
  }

  /** Polls a workflow task (default: the normal queue) and records the history it carries. */
  async poll(queue = this.taskQueue): Promise<PollResponse> {
    const response = await this.ctx.service.pollWorkflowTaskQueue({ namespace, taskQueue: { name: queue }, identity: 'worker' });
    this.token = response.taskToken ?? undefined;
    this.ctx.record(`${this.id}: poll workflow task on ${queue}`, response);
    return response;
  }

  /** Polls the next task on the normal queue and completes it with `commands`. */
  async decide(commands: Command[], options: Partial<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest> = {}) {
    await this.poll();
    return this.complete(commands, options);
  }

  async complete(commands: Command[], options: Partial<temporal.api.workflowservice.v1.IRespondWorkflowTaskCompletedRequest> = {}) {
    const step = `${this.id}: complete workflow task (${commands.map((c) => C[c.commandType ?? 0]).join(', ')})`;
    try {
      const response = await this.ctx.service.respondWorkflowTaskCompleted({ namespace, taskToken: this.token, identity: 'worker', commands, ...options });
      this.ctx.record(step, response);
      return response;
    } catch (err) {
      this.ctx.record(step, { error: (err as Error).message });
      return undefined;
    }
  }

  async fail(cause: number): Promise<void> {
    await this.ctx.service.respondWorkflowTaskFailed({ namespace, taskToken: this.token, identity: 'worker', cause, failure: failure('task failed') });
    this.ctx.record(`${this.id}: fail workflow task`, {});
  }

  async signal(name: string): Promise<void> {
    await this.ctx.service.signalWorkflowExecution({ namespace, workflowExecution: { workflowId: this.id }, signalName: name, identity: 'script', input: payloads(name) });
    this.ctx.record(`${this.id}: signal ${name}`, {});
  }

  async requestCancel(runId?: string | null): Promise<void> {
    await this.ctx.service.requestCancelWorkflowExecution({ namespace, workflowExecution: { workflowId: this.id, runId }, identity: 'script', reason: 'scripted' });
    this.ctx.record(`${this.id}: request cancel${runId ? ' of an earlier run' : ''}`, {});
  }

  async terminate(): Promise<void> {
    await this.ctx.service.terminateWorkflowExecution({ namespace, workflowExecution: { workflowId: this.id }, identity: 'script', reason: 'scripted' });
    this.ctx.record(`${this.id}: terminate`, {});
  }
}

async function pollActivity(ctx: ScenarioContext, queue: string): Promise<ActivityTask> {
  const task = await ctx.service.pollActivityTaskQueue({ namespace, taskQueue: { name: queue }, identity: 'worker' });
  ctx.record(`poll activity task on ${queue}`, task);
  return task;
}

async function activityCall(ctx: ScenarioContext, step: string, call: () => Promise<unknown>): Promise<void> {
  try {
    ctx.record(step, await call());
  } catch (err) {
    ctx.record(step, { error: (err as Error).message });
  }
}

const completeActivity = (ctx: ScenarioContext, task: ActivityTask, result: unknown) =>
  activityCall(ctx, `complete activity ${task.activityId} attempt ${task.attempt}`, () =>
    ctx.service.respondActivityTaskCompleted({ namespace, taskToken: task.taskToken, identity: 'worker', result: payloads(result) }),
  );
const failActivity = (ctx: ScenarioContext, task: ActivityTask, nonRetryable = false) =>
  activityCall(ctx, `fail activity ${task.activityId} attempt ${task.attempt}`, () =>
    ctx.service.respondActivityTaskFailed({
      namespace,
      taskToken: task.taskToken,
      identity: 'worker',
      failure: failure(`attempt ${task.attempt} failed`, nonRetryable),
      lastHeartbeatDetails: payloads(`details of attempt ${task.attempt}`),
    }),
  );
const heartbeat = (ctx: ScenarioContext, task: ActivityTask) =>
  activityCall(ctx, `heartbeat activity ${task.activityId}`, () =>
    ctx.service.recordActivityTaskHeartbeat({ namespace, taskToken: task.taskToken, identity: 'worker', details: payloads('progress') }),
  );

// ---- commands ----
const scheduleActivity = (
  activityId: string,
  taskQueue: string,
  timeouts: Partial<temporal.api.command.v1.IScheduleActivityTaskCommandAttributes>,
): Command => ({
  commandType: C.COMMAND_TYPE_SCHEDULE_ACTIVITY_TASK,
  scheduleActivityTaskCommandAttributes: {
    activityId,
    activityType: { name: `Type-${activityId}` },
    taskQueue: { name: taskQueue },
    input: payloads(activityId),
    retryPolicy: { initialInterval: seconds(1), maximumAttempts: 3 },
    ...timeouts,
  },
});
const cancelActivity = (scheduledEventId: number): Command => ({
  commandType: C.COMMAND_TYPE_REQUEST_CANCEL_ACTIVITY_TASK,
  requestCancelActivityTaskCommandAttributes: { scheduledEventId: Long.fromNumber(scheduledEventId) },
});
const startTimer = (timerId: string, s: number): Command => ({
  commandType: C.COMMAND_TYPE_START_TIMER,
  startTimerCommandAttributes: { timerId, startToFireTimeout: seconds(s) },
});
const cancelTimer = (timerId: string): Command => ({ commandType: C.COMMAND_TYPE_CANCEL_TIMER, cancelTimerCommandAttributes: { timerId } });
const completeWorkflow = (result: unknown): Command => ({
  commandType: C.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
  completeWorkflowExecutionCommandAttributes: { result: payloads(result) },
});
const failWorkflow = (message: string): Command => ({
  commandType: C.COMMAND_TYPE_FAIL_WORKFLOW_EXECUTION,
  failWorkflowExecutionCommandAttributes: { failure: failure(message) },
});
const cancelWorkflow = (): Command => ({ commandType: C.COMMAND_TYPE_CANCEL_WORKFLOW_EXECUTION, cancelWorkflowExecutionCommandAttributes: {} });
const continueAsNew = (input: unknown): Command => ({
  commandType: C.COMMAND_TYPE_CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
  continueAsNewWorkflowExecutionCommandAttributes: { workflowType: { name: 'Scripted' }, input: payloads(input) },
});
const startChild = (workflowId: string, parentClosePolicy: number, runTimeout?: number): Command => ({
  commandType: C.COMMAND_TYPE_START_CHILD_WORKFLOW_EXECUTION,
  startChildWorkflowExecutionCommandAttributes: {
    workflowId,
    workflowType: { name: 'Scripted' },
    taskQueue: { name: `${workflowId}-tq` },
    input: payloads(workflowId),
    parentClosePolicy,
    workflowRunTimeout: runTimeout ? seconds(runTimeout) : undefined,
  },
});
const signalExternal = (workflowId: string): Command => ({
  commandType: C.COMMAND_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
  signalExternalWorkflowExecutionCommandAttributes: { namespace, execution: { workflowId }, signalName: 'external', input: payloads('hi') },
});
const cancelExternal = (workflowId: string): Command => ({
  commandType: C.COMMAND_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
  requestCancelExternalWorkflowExecutionCommandAttributes: { namespace, workflowId, reason: 'scripted' },
});
const marker = (): Command => ({
  commandType: C.COMMAND_TYPE_RECORD_MARKER,
  recordMarkerCommandAttributes: { markerName: 'LocalActivity', details: { data: payloads('local') } },
});
const sticky = (queue: string, s: number) => ({ stickyAttributes: { workerTaskQueue: { name: queue }, scheduleToStartTimeout: seconds(s) } });

/** The workflow ids the script uses, so the final dump can list every run of them. */
export const WORKFLOW_IDS = [
  'activities',
  'timeouts',
  'timers',
  'tasks',
  'closes',
  'retried',
  'continued',
  'timed-out',
  'parent',
  'child-complete',
  'child-fail',
  'child-cancel',
  'child-terminate',
  'child-timeout',
  'child-abandon',
  'child-request-cancel',
  'child-orphan',
  'externals',
  'signal-target',
  'cancel-target',
  'reset',
  'with-start',
  'cancel-unasked',
  'fails-after-cancel',
  'sticky-idle',
  'sticky-busy',
] as const;

/** Part one: leaves every kind of pending state behind (for the restart) and finishes a few runs. */
export async function partOne(ctx: ScenarioContext): Promise<void> {
  const { clock } = ctx;

  // Activities: eager start, retries with backoff, heartbeats, cancellation in every state.
  const acts = new Workflow(ctx, 'activities');
  await acts.start({ workflowTaskTimeout: seconds(10) });
  await acts.poll();
  const first = await acts.complete(
    [
      scheduleActivity('retry', acts.taskQueue, { startToCloseTimeout: seconds(30) }),
      scheduleActivity('never-polled', 'nobody-polls', { startToCloseTimeout: seconds(30) }),
      scheduleActivity('cancel-me', acts.taskQueue, { startToCloseTimeout: seconds(30) }),
      scheduleActivity('eager', acts.taskQueue, { startToCloseTimeout: seconds(30), requestEagerExecution: true }),
      scheduleActivity('backoff-cancel', acts.taskQueue, { startToCloseTimeout: seconds(30), retryPolicy: { initialInterval: seconds(100) } }),
      marker(),
    ],
    sticky('activities-sticky', 5),
  );
  const eager = first!.activityTasks![0];
  const retry1 = await pollActivity(ctx, acts.taskQueue);
  const cancelMe = await pollActivity(ctx, acts.taskQueue);
  const backoffCancel = await pollActivity(ctx, acts.taskQueue);
  await heartbeat(ctx, retry1);
  await failActivity(ctx, retry1);
  await failActivity(ctx, backoffCancel);
  await completeActivity(ctx, eager, 'eager result');
  await acts.poll('activities-sticky');
  // While this task runs, the eager activity's sibling completes: its result is buffered.
  clock.advance(1000);
  const retry2 = await pollActivity(ctx, acts.taskQueue);
  await completeActivity(ctx, retry2, 'second attempt');
  await acts.complete(
    [
      cancelActivity(7), // cancel-me: started, so the worker is told
      cancelActivity(5), // retry: its result is buffered, not yet seen
      cancelActivity(9), // backoff-cancel: waiting for its retry
      cancelActivity(6), // never-polled: still scheduled
    ],
    sticky('activities-sticky', 5),
  );
  await heartbeat(ctx, cancelMe);
  await activityCall(ctx, 'report cancel-me canceled', () =>
    ctx.service.respondActivityTaskCanceled({ namespace, taskToken: cancelMe.taskToken, identity: 'worker', details: payloads('bye') }),
  );
  await acts.poll('activities-sticky');
  await acts.complete([scheduleActivity('left-started', acts.taskQueue, { startToCloseTimeout: seconds(20) }), scheduleActivity('left-in-backoff', acts.taskQueue, { startToCloseTimeout: seconds(20) }), scheduleActivity('left-scheduled', 'nobody-polls', { scheduleToCloseTimeout: seconds(50) })], sticky('activities-sticky', 5));
  await pollActivity(ctx, acts.taskQueue);
  const leftInBackoff = await pollActivity(ctx, acts.taskQueue);
  await failActivity(ctx, leftInBackoff);

  // The four activity timeouts.
  const timeouts = new Workflow(ctx, 'timeouts');
  await timeouts.start();
  await timeouts.decide([
    scheduleActivity('schedule-to-start', 'nobody-polls', { scheduleToStartTimeout: seconds(2), startToCloseTimeout: seconds(30) }),
    scheduleActivity('start-to-close', timeouts.taskQueue, { startToCloseTimeout: seconds(2), retryPolicy: { initialInterval: seconds(1), maximumAttempts: 2 } }),
    scheduleActivity('heartbeat', timeouts.taskQueue, { startToCloseTimeout: seconds(30), heartbeatTimeout: seconds(2), retryPolicy: { initialInterval: seconds(1), maximumAttempts: 2 } }),
    scheduleActivity('schedule-to-close', timeouts.taskQueue, { scheduleToCloseTimeout: seconds(3) }),
    scheduleActivity('close-in-backoff', timeouts.taskQueue, { scheduleToCloseTimeout: seconds(6), retryPolicy: { initialInterval: seconds(4) } }),
    scheduleActivity('non-retryable', timeouts.taskQueue, { startToCloseTimeout: seconds(30) }),
  ]);
  await pollActivity(ctx, timeouts.taskQueue);
  const hb = await pollActivity(ctx, timeouts.taskQueue);
  await pollActivity(ctx, timeouts.taskQueue);
  const closeInBackoff = await pollActivity(ctx, timeouts.taskQueue);
  const nonRetryable = await pollActivity(ctx, timeouts.taskQueue);
  await failActivity(ctx, nonRetryable, true);
  await failActivity(ctx, closeInBackoff);
  clock.advance(1500);
  await heartbeat(ctx, hb);
  clock.advance(1000);
  await timeouts.decide([]);
  clock.advance(1000);
  const stc2 = await pollActivity(ctx, timeouts.taskQueue);
  const hb2 = await pollActivity(ctx, timeouts.taskQueue);
  ctx.record('second attempts', [stc2.activityId, stc2.attempt, hb2.activityId, hb2.attempt]);
  clock.advance(3000);

  // Timers: one fires, one is canceled, one fires while the task that cancels it runs.
  const timers = new Workflow(ctx, 'timers');
  await timers.start();
  await timers.decide([startTimer('fires', 1), startTimer('canceled', 100), startTimer('raced', 2), startTimer('left', 3600)]);
  clock.advance(1000);
  await timers.poll();
  clock.advance(1000);
  // Reusing the id of a pending timer replaces it (as this server always did).
  await timers.complete([cancelTimer('canceled'), cancelTimer('raced'), startTimer('left', 7200)]);

  // Workflow tasks: sticky schedule-to-start, start-to-close, failures, signals meanwhile.
  const tasks = new Workflow(ctx, 'tasks');
  await tasks.start({ workflowTaskTimeout: seconds(5) });
  await tasks.signal('before-first-task');
  await tasks.poll();
  await tasks.signal('while-started');
  await tasks.complete([marker()], sticky('tasks-sticky', 2));
  clock.advance(2000);
  await tasks.poll();
  clock.advance(5000);
  await tasks.poll();
  await tasks.fail(WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE);
  await tasks.poll();
  await tasks.signal('races-the-close');
  await tasks.complete([completeWorkflow('too early')]);
  await tasks.decide([], { forceCreateNewWorkflowTask: true, ...sticky('tasks-sticky', 10) });
  await tasks.poll('tasks-sticky');
  await tasks.complete([], sticky('tasks-sticky', 10));
  await ctx.service.resetStickyTaskQueue({ namespace, execution: { workflowId: 'tasks' } });
  ctx.record('tasks: reset sticky task queue', {});
  await tasks.signal('after-reset-sticky');
  await tasks.decide([], sticky('tasks-sticky', 10));
  // Two more runs on the same sticky queue: one idle, one whose task is running at the shutdown;
  // ResetStickyTaskQueue while a sticky task is scheduled, and while it runs.
  const idle = new Workflow(ctx, 'sticky-idle');
  await idle.start();
  await idle.decide([], sticky('tasks-sticky', 10));
  const busy = new Workflow(ctx, 'sticky-busy');
  await busy.start();
  await busy.decide([], sticky('tasks-sticky', 10));
  await busy.signal('scheduled');
  await ctx.service.resetStickyTaskQueue({ namespace, execution: { workflowId: 'sticky-busy' } });
  ctx.record('sticky-busy: reset sticky task queue', {});
  await busy.poll('tasks-sticky');
  await ctx.service.resetStickyTaskQueue({ namespace, execution: { workflowId: 'sticky-busy' } });
  ctx.record('sticky-busy: reset sticky task queue', {});
  await busy.complete([], sticky('tasks-sticky', 10));
  await busy.signal('started');
  await busy.poll('tasks-sticky');
  await tasks.signal('before-shutdown');
  await ctx.service.shutdownWorker({ namespace, stickyTaskQueue: 'tasks-sticky', identity: 'worker' });
  ctx.record('tasks: shutdown worker', {});
  await tasks.poll();

  // Run closes: cancel requested (twice), then canceled; a retried failure; continue-as-new.
  const closes = new Workflow(ctx, 'closes');
  await closes.start();
  await closes.poll();
  await closes.requestCancel();
  await closes.requestCancel();
  await closes.signal('after-cancel-request');
  await closes.complete([]);
  await closes.decide([cancelWorkflow()]);

  const retried = new Workflow(ctx, 'retried');
  await retried.start({ retryPolicy: { initialInterval: seconds(3), maximumAttempts: 2 } });
  await retried.decide([failWorkflow('first attempt')]);

  const unasked = new Workflow(ctx, 'cancel-unasked');
  await unasked.start();
  await unasked.decide([cancelWorkflow()]);

  const failsAfterCancel = new Workflow(ctx, 'fails-after-cancel');
  await failsAfterCancel.start();
  await failsAfterCancel.requestCancel();
  await failsAfterCancel.decide([failWorkflow('failed anyway')]);

  const continued = new Workflow(ctx, 'continued');
  await continued.start();
  await continued.requestCancel();
  await continued.decide([continueAsNew('next')]);

  // Times out while its workflow task runs (the task timeout is capped at the run timeout).
  const timedOut = new Workflow(ctx, 'timed-out');
  await timedOut.start({ workflowRunTimeout: seconds(30), workflowTaskTimeout: seconds(60) });
  clock.advance(1000);
  await timedOut.poll();
  await timedOut.requestCancel();

  // Children: started, failed to start, and closing every way.
  const parent = new Workflow(ctx, 'parent');
  await parent.start();
  await parent.decide([
    startChild('child-complete', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE),
    startChild('child-fail', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE),
    startChild('child-cancel', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE),
    startChild('child-terminate', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE),
    startChild('child-timeout', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE, 20),
    startChild('child-abandon', ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON),
    startChild('child-request-cancel', ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL),
  ]);
  await parent.decide([
    startChild('child-complete', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE), // its id is taken: fails to start
    startChild('child-orphan', ParentClosePolicy.PARENT_CLOSE_POLICY_TERMINATE),
  ]);
  const childComplete = new Workflow(ctx, 'child-complete');
  await childComplete.decide([completeWorkflow('child done')]);
  const childFail = new Workflow(ctx, 'child-fail');
  await childFail.decide([failWorkflow('child failed')]);

  // External signals and cancels, to targets that exist and ones that do not.
  const signalTarget = new Workflow(ctx, 'signal-target');
  await signalTarget.start();
  const cancelTarget = new Workflow(ctx, 'cancel-target');
  await cancelTarget.start();
  const externals = new Workflow(ctx, 'externals');
  await externals.start();
  await externals.decide([signalExternal('signal-target'), signalExternal('nobody'), cancelExternal('cancel-target'), cancelExternal('nobody')]);

  // Signal-with-start, and a run to reset later.
  await ctx.service.signalWithStartWorkflowExecution({
    namespace,
    workflowId: 'with-start',
    workflowType: { name: 'Scripted' },
    taskQueue: { name: 'with-start-tq' },
    signalName: 'go',
    signalInput: payloads('go'),
    identity: 'script',
    requestId: 'with-start',
  });
  ctx.record('with-start: signal with start', {});
  const reset = new Workflow(ctx, 'reset');
  await reset.start();
  await reset.decide([startTimer('before-reset', 1000), scheduleActivity('before-reset', 'nobody-polls', { startToCloseTimeout: seconds(100) })]);
  await reset.signal('one');
  await reset.decide([]);
  await reset.signal('two');
}

/** Part two, after the restart: what was pending carries on; every open run is brought to its end. */
export async function partTwo(ctx: ScenarioContext): Promise<void> {
  const { clock } = ctx;
  const w = (id: string) => new Workflow(ctx, id);

  const acts = w('activities');
  const redispatched = await pollActivity(ctx, acts.taskQueue);
  await completeActivity(ctx, redispatched, 'after restart');
  await acts.poll('activities-sticky');
  await acts.complete([]);
  clock.advance(21_000);
  for (let attempt = 0; attempt < 3; attempt++) {
    const task = await pollActivity(ctx, acts.taskQueue);
    if (task.taskToken) await failActivity(ctx, task);
    clock.advance(2000);
  }
  await acts.decide([completeWorkflow('activities done')]);

  const timeouts = w('timeouts');
  await timeouts.decide([completeWorkflow('timeouts done')]);

  const timers = w('timers');
  await timers.signal('finish');
  await timers.decide([cancelTimer('left'), completeWorkflow('timers done')]);

  const tasks = w('tasks');
  clock.advance(6000);
  await tasks.decide([completeWorkflow('tasks done')]);

  const retried = w('retried');
  clock.advance(3000);
  await retried.decide([completeWorkflow('second attempt')]);

  const continued = w('continued');
  await continued.decide([continueAsNew('once more')]);
  await continued.decide([completeWorkflow('continued done')]);

  const timedOut = w('timed-out');
  await timedOut.poll();
  clock.advance(30_000);

  const parent = w('parent');
  await parent.decide([]);
  const childCancel = w('child-cancel');
  await childCancel.requestCancel();
  await childCancel.decide([cancelWorkflow()]);
  await w('child-terminate').terminate();
  clock.advance(20_000);
  await parent.decide([completeWorkflow('parent done')]);
  await w('child-request-cancel').poll();
  await w('child-request-cancel').terminate();
  const abandoned = w('child-abandon');
  await abandoned.decide([]);
  await abandoned.terminate();

  const externals = w('externals');
  await externals.decide([completeWorkflow('externals done')]);
  const signalTarget = w('signal-target');
  await signalTarget.decide([completeWorkflow('signaled')]);
  const cancelTarget = w('cancel-target');
  await cancelTarget.decide([completeWorkflow('completed anyway')]);
  await w('with-start').poll();

  const history = await ctx.service.getWorkflowExecutionHistory({ namespace, execution: { workflowId: 'reset' } });
  const reset = await ctx.service.resetWorkflowExecution({
    namespace,
    workflowExecution: { workflowId: 'reset' },
    reason: 'scripted',
    requestId: 'reset-1',
    workflowTaskFinishEventId: history.history!.events!.find((e) => e.workflowTaskCompletedEventAttributes)!.eventId,
  });
  ctx.record('reset: reset to the first workflow task', reset);
  const afterReset = w('reset');
  await afterReset.decide([cancelTimer('before-reset'), completeWorkflow('reset done')]);
  await afterReset.terminate().catch((err: Error) => ctx.record('reset: terminate a closed run', { error: err.message }));
  await w('with-start').terminate();
  await w('sticky-idle').terminate();
  await w('sticky-busy').terminate();

  // A cancel request to a closed run succeeds and changes nothing, however the run closed.
  for (const closed of ['timers', 'closes', 'child-fail', 'child-terminate', 'timed-out']) await w(closed).requestCancel();
  const { executions } = await ctx.service.listWorkflowExecutions({ namespace, query: `WorkflowId = 'continued' AND ExecutionStatus = 'ContinuedAsNew'` });
  await w('continued').requestCancel(executions![0].execution!.runId);
}

/** Every run of the script's workflow ids: its Describe and its whole history. */
export async function dumpRuns(ctx: ScenarioContext): Promise<void> {
  for (const workflowId of WORKFLOW_IDS) {
    const { executions } = await ctx.service.listWorkflowExecutions({ namespace, query: `WorkflowId = '${workflowId}'` });
    // Oldest first; a run that continues another starts the moment that one closes.
    const ms = (t: Timestamp | null | undefined) => (t ? Number(t.seconds) * 1000 + (t.nanos ?? 0) / 1e6 : Infinity);
    const runs = [...(executions ?? [])].sort((a, b) => ms(a.startTime) - ms(b.startTime) || ms(a.closeTime) - ms(b.closeTime));
    for (const [i, info] of runs.entries()) {
      const execution = { workflowId, runId: info.execution!.runId };
      const describe = await ctx.service.describeWorkflowExecution({ namespace, execution });
      const history = await ctx.service.getWorkflowExecutionHistory({ namespace, execution });
      ctx.record(`${workflowId} run ${i + 1}: describe`, describe);
      ctx.record(`${workflowId} run ${i + 1}: history`, history.history);
    }
  }
}
