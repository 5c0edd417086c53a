// The pages: each route reads what it shows — the run from the Temporal server (RunStore), its
// artifacts from the runs directory (RunArtifacts) — and renders it. Returns null for no such page.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { agentDatasetSchema, questionsSchema, rowToQuestion, trainingLogSchema, votesSchema } from '../../data/artifacts';
import type { AgentRole } from '../../data/artifacts';
import { batchDir, datasetFile, finetuneStepDir, inStep, LOSSES_FILE, questionsFile, stepDir, VOTES_FILE } from '../../experiment/run-layout';
import type { Split } from '../../experiment/step-types';
import { compareWithDebate, debateReference } from './against-debate';
import type { RunArtifacts } from './artifacts';
import { originOf, cellAnchor } from './lineage';
import { heldOutOutcomes, outcomeTable, taskOfConfig } from './outcomes';
import { magrpoIteration } from './magrpo-trees';
import { maporlBatches } from './maporl-batches';
import { learnedVerifier, maporlVerifier } from './maporl-verifier';
import { modelUpdates } from './model-updates';
import { findIteration } from './plan';
import type { PlannedIteration, PlannedMethod, TrainingMethod } from './plan';
import { datasetsPage } from './pages/datasets-page';
import { debateFilters, debatesPage } from './pages/debates-page';
import type { DebateFilter } from './pages/debates-page';
import { filesPage } from './pages/files-page';
import { magrpoPage } from './pages/magrpo-page';
import { magrpoTreePage } from './pages/magrpo-tree-page';
import { maporlPage } from './pages/maporl-page';
import { noRolloutsPage } from './pages/no-rollouts-page';
import { questionPage } from './pages/question-page';
import { runPage } from './pages/run-page';
import { runsPage } from './pages/runs-page';
import { trainingPage } from './pages/training-page';
import type { AdapterTraining } from './pages/training-page';
import { verifierPage } from './pages/verifier-page';
import { rlSetup } from './rl-setup';
import type { FoundFile } from './run-files';
import type { RunStore, RunView } from './run-store';
import { runTimeline } from './timeline';
import { transcriptsOf } from './transcripts';

export interface PageContext {
  store: RunStore;
  artifacts: RunArtifacts;
  now: () => Date;
}

export async function renderRoute(ctx: PageContext, path: string, query: URLSearchParams): Promise<string | null> {
  if (path === '/') return runsPage(await ctx.store.list(), ctx.now());
  const m = /^\/runs\/([^/]+)(?:\/(debates|datasets|training|rollouts|verifier|questions\/([^/]+)|rollouts\/([^/]+)))?$/.exec(path);
  if (!m) return null;
  const runId = decodeURIComponent(m[1]);
  const view = await ctx.store.run(runId);
  switch (m[2]) {
    case undefined:
      return runPage({ view, comparison: await compareWithDebate(ctx.artifacts, view.results, view.plan), timeline: await runTimeline(ctx.store.maft.client, runId), now: ctx.now() });
    case 'debates':
      return debates(ctx, view, query);
    case 'datasets':
      return datasets(ctx, view, query);
    case 'training':
      return training(ctx, view, query);
    case 'rollouts':
      return rollouts(ctx, view, query);
    case 'verifier':
      return verifier(ctx, view);
    default:
      return m[4] === undefined ? question(ctx, view, decodeURIComponent(m[3]), query) : rolloutTree(ctx, view, decodeURIComponent(m[4]), query);
  }
}

function methodOf(view: RunView, query: URLSearchParams): PlannedMethod | undefined {
  // Without a variant, the method itself (first in the plan).
  const variant = query.get('variant');
  return view.plan.find((p) => p.variant === variant) ?? view.plan[0];
}

function splitOf(query: URLSearchParams): Split {
  return query.get('split') === 'train' ? 'train' : 'test';
}

/** The chosen iteration of the method, else its latest one that has `has`. */
function iterationOf(method: PlannedMethod, query: URLSearchParams, has: (l: number) => boolean): number {
  const asked = Number(query.get('iteration'));
  const candidates = method.iterations.map((i) => i.iteration).filter(has);
  return query.has('iteration') && candidates.includes(asked) ? asked : candidates.at(-1) ?? 0;
}

async function debates(ctx: PageContext, view: RunView, query: URLSearchParams): Promise<string | null> {
  const method = methodOf(view, query);
  if (!method) return null;
  const split = splitOf(query);
  const task = taskOfConfig(view.config);
  const table = await outcomeTable(ctx.artifacts, view.runId, method, split, task);
  const iteration = iterationOf(method, query, (l) => table.iterations.some((i) => i.iteration === l));
  const against = query.get('against') === 'debate' ? 'debate' : 'previous';
  const reference = against === 'debate' ? debateReference(view.plan) : undefined;
  const filter = (debateFilters as readonly string[]).includes(query.get('filter') ?? '') ? (query.get('filter') as DebateFilter) : 'all';
  return debatesPage({
    runId: view.runId,
    plan: view.plan,
    method,
    table,
    selected: Math.max(0, table.iterations.findIndex((i) => i.iteration === iteration)),
    against,
    debate: reference ? await heldOutOutcomes(ctx.artifacts, view.runId, reference, task) : null,
    filter,
  });
}

async function question(ctx: PageContext, view: RunView, questionId: string, query: URLSearchParams): Promise<string | null> {
  const method = methodOf(view, query);
  if (!method) return null;
  const split = splitOf(query);
  const task = taskOfConfig(view.config);
  const table = await outcomeTable(ctx.artifacts, view.runId, method, split, task);
  const k = table.questions.findIndex((q) => q.id === questionId);
  if (k < 0) return null;
  const q = table.questions[k];
  const iterations = await Promise.all(
    table.iterations.map(async (it, i) => {
      const rows = ((await transcriptsOf(ctx.artifacts, view.runId, it, split)) ?? []).filter((r) => r.questionId === questionId);
      if (split === 'test') return { iteration: it, outcome: q.outcomes[i], rows, vote: null, examples: [] };
      const votes = (await ctx.artifacts.rows(votesSchema, view.runId, inStep(stepDir(it.dir, 'votes'), VOTES_FILE))) ?? [];
      const examples = (await traineeDatasets(ctx, view, it.iteration, method.variant)).flatMap((t) =>
        (t.rows ?? []).flatMap((example, index) => (example.questionId === questionId ? [{ trainee: t.trainee, index, example, round: originOf(example, rows)?.round ?? null }] : [])),
      );
      return { iteration: it, outcome: q.outcomes[i], rows, vote: votes.find((v) => v.questionId === questionId) ?? null, examples };
    }),
  );
  return questionPage({ runId: view.runId, variant: method.variant, split, question: { id: q.id, question: q.question, reference: q.reference }, task, iterations });
}

/** Every trainee's dataset rows of one iteration (null rows: file missing). */
async function traineeDatasets(ctx: PageContext, view: RunView, iteration: number, variant: string) {
  const it = findIteration(view.plan, variant, iteration);
  const report = it?.report;
  if (!it || !report) return [];
  return Promise.all(
    report.datasets.map(async (d) => {
      const file = datasetFile(stepDir(it.dir, 'datasets'), d.trainee);
      return { trainee: d.trainee, agent: d.agent, role: d.role, file, rows: await ctx.artifacts.rows(agentDatasetSchema, view.runId, file) };
    }),
  );
}

/** Methods (those `trainedBy` picks, else all) and their iterations that train (l ≥ 1), for the per-iteration choosers. */
function finetuningMethods(view: RunView, trainedBy?: (m: TrainingMethod) => boolean): { variant: string; iterations: number[] }[] {
  return view.plan
    .filter((m) => !trainedBy || trainedBy(m.trainedBy))
    .map((m) => ({ variant: m.variant, iterations: m.iterations.map((i) => i.iteration).filter((l) => l > 0) }))
    .filter((m) => m.iterations.length > 0);
}

const isRl = (m: TrainingMethod): boolean => m !== 'multiagent-ft';

/** The RL method a rollouts page is about, from ?variant= (else the run's first), and its chosen iteration; null for a run without one. */
function rlIterationOf(view: RunView, query: URLSearchParams): { method: PlannedMethod; iteration: number; it: PlannedIteration | undefined } | null {
  const rl = view.plan.filter((m) => isRl(m.trainedBy));
  const method = rl.find((m) => m.variant === query.get('variant')) ?? rl[0];
  if (!method) return null;
  const iteration = iterationOf(method, query, (l) => l > 0);
  return { method, iteration, it: findIteration(view.plan, method.variant, iteration) };
}

async function rollouts(ctx: PageContext, view: RunView, query: URLSearchParams): Promise<string> {
  const chosen = rlIterationOf(view, query);
  if (!chosen) return noRolloutsPage(view.runId);
  const { method, iteration, it } = chosen;
  const page = { runId: view.runId, methods: finetuningMethods(view, isRl), variant: method.variant, iteration, setup: rlSetup(view.config) };
  if (method.trainedBy === 'magrpo') {
    return magrpoPage({ ...page, data: it && iteration > 0 ? await magrpoIteration(ctx.artifacts, view.runId, it.dir, taskOfConfig(view.config)) : null });
  }
  const batches = it && iteration > 0 ? await maporlBatches(ctx.artifacts, view.runId, it.dir) : [];
  const questions = (await ctx.artifacts.rows(questionsSchema, view.runId, questionsFile('train'))) ?? [];
  return maporlPage({
    ...page,
    batches,
    selected: batches.find((b) => b.batch === Number(query.get('batch'))) ?? batches.at(-1) ?? null,
    questions: new Map(questions.map(rowToQuestion).map((q) => [q.id, { question: q.question, reference: q.answer }])),
    learnedVerifier: learnedVerifier(view.config) !== null,
  });
}

/** MAPoRL's learned verifier, calibrated on the PPO batches of every RL variant (the shared-policy baseline is scored by it too); no page without one. */
async function verifier(ctx: PageContext, view: RunView): Promise<string | null> {
  const training = learnedVerifier(view.config);
  if (!training) return null;
  const iterations = view.plan.filter((m) => isRl(m.trainedBy)).flatMap((m) => m.iterations.filter((i) => i.iteration > 0));
  return verifierPage({ runId: view.runId, training, data: await maporlVerifier(ctx.artifacts, view.runId, taskOfConfig(view.config), iterations) });
}

async function rolloutTree(ctx: PageContext, view: RunView, questionId: string, query: URLSearchParams): Promise<string | null> {
  const chosen = rlIterationOf(view, query);
  if (chosen?.method.trainedBy !== 'magrpo' || !chosen.it) return null;
  const data = await magrpoIteration(ctx.artifacts, view.runId, chosen.it.dir, taskOfConfig(view.config));
  const tree = data.trees?.find((t) => t.questionId === questionId);
  return tree ? magrpoTreePage({ runId: view.runId, variant: chosen.method.variant, iteration: chosen.iteration, tree, files: data.files }) : null;
}

/** The policy and value updates of an RL iteration as the Training page lists adapters: MAGRPO's of the iteration, MAPoRL's of its last PPO batch. */
async function rlAdapters(ctx: PageContext, runId: string, method: PlannedMethod, it: PlannedIteration): Promise<AdapterTraining[]> {
  const lastBatch = (await ctx.artifacts.subdirs(runId, it.dir, 'batch-')).at(-1);
  const dir = method.trainedBy === 'magrpo' ? it.dir : lastBatch ? batchDir(it.dir, Number(lastBatch.slice('batch-'.length))) : null;
  const updates = dir ? await modelUpdates(ctx.artifacts, runId, dir) : [];
  // The results name MAGRPO's trainee agent-<n> (or shared), MAPoRL's by its directory.
  return updates.map((u) => ({ trainee: method.trainedBy === 'magrpo' ? u.name.slice('policy-'.length) : u.name, role: u.model, stepDir: u.stepDir, hyper: null, losses: u.losses }));
}

async function datasets(ctx: PageContext, view: RunView, query: URLSearchParams): Promise<string | null> {
  const method = methodOf(view, query);
  if (!method) return null;
  const iteration = iterationOf(method, query, (l) => l > 0);
  const it = findIteration(view.plan, method.variant, iteration);
  const debate = it ? (await transcriptsOf(ctx.artifacts, view.runId, it, 'train')) ?? [] : [];
  const trainees = await traineeDatasets(ctx, view, iteration, method.variant);
  return datasetsPage({
    runId: view.runId,
    methods: finetuningMethods(view),
    variant: method.variant,
    iteration,
    w: view.config?.critic.w ?? null,
    report: it?.report ?? null,
    trainees: trainees.map((t) => ({
      trainee: t.trainee,
      file: t.file,
      rows: t.rows?.map((example) => {
        const origin = originOf(example, debate);
        return { example, anchor: origin ? cellAnchor(iteration, origin.round, origin.agent) : `iter-${iteration}` };
      }) ?? null,
    })),
  });
}

async function training(ctx: PageContext, view: RunView, query: URLSearchParams): Promise<string | null> {
  const method = methodOf(view, query);
  if (!method) return null;
  const iteration = iterationOf(method, query, (l) => l > 0);
  const it = findIteration(view.plan, method.variant, iteration);
  const c = view.config;
  const rl = isRl(method.trainedBy);
  const adapters = rl && it ? await rlAdapters(ctx, view.runId, method, it) : await Promise.all(
    (it?.report?.datasets ?? []).map(async (d) => {
      const role = d.role as AgentRole;
      const dir = finetuneStepDir(it!.dir, { agent: d.agent, role });
      return {
        trainee: d.trainee,
        role: d.role,
        stepDir: dir,
        hyper: c?.finetune[role] ?? null,
        losses: await ctx.artifacts.rows(trainingLogSchema, view.runId, inStep(dir, LOSSES_FILE)),
      };
    }),
  );
  return trainingPage({
    runId: view.runId,
    methods: finetuningMethods(view),
    variant: method.variant,
    iteration,
    // Runs started before the top-level `method` key carry none in their memo.
    method: !c ? null : rl
      ? `method ${method.trainedBy} · ${method.trainedBy === 'maporl' ? 'the policy and value updates of the last PPO batch (every batch on the Rollouts page)' : 'the policy-gradient update of every agent'}`
      : `method multiagent-ft · SFT from the ${c.finetune.from} adapter · tied votes: ${c.finetune.ties}`,
    report: it?.report ?? null,
    adapters,
  });
}

/** A directory under /files/ as a listing page. */
export async function renderDirectory(file: FoundFile): Promise<string> {
  const entries = await readdir(file.path, { withFileTypes: true });
  const stats = await Promise.all(
    entries.map(async (e) => {
      const s = await stat(join(file.path, e.name)).catch(() => null);
      return s ? { name: e.name, dir: s.isDirectory(), size: s.size, mtime: s.mtime } : null;
    }),
  );
  return filesPage(file.segments, stats.filter((s): s is NonNullable<typeof s> => s !== null));
}
