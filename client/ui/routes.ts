// The pages: each route reads what it shows — the run from the Temporal server (RunStore), its
// artifacts from the runs directory (RunArtifacts) — and renders it. Returns null for no such page.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { agentDatasetSchema, trainingLogSchema, votesSchema } from '../../data/artifacts';
import type { AgentRole } from '../../data/artifacts';
import { datasetFile, finetuneStepDir, inStep, LOSSES_FILE, stepDir, VOTES_FILE } from '../../experiment/run-layout';
import type { Split } from '../../experiment/step-types';
import { compareWithDebate, debateReference } from './against-debate';
import type { RunArtifacts } from './artifacts';
import { originOf, cellAnchor } from './lineage';
import { debateDirOf, heldOutOutcomes, outcomeTable, taskOfConfig } from './outcomes';
import { findIteration } from './plan';
import type { PlannedMethod } from './plan';
import { datasetsPage } from './pages/datasets-page';
import { debateFilters, debatesPage } from './pages/debates-page';
import type { DebateFilter } from './pages/debates-page';
import { filesPage } from './pages/files-page';
import { questionPage } from './pages/question-page';
import { runPage } from './pages/run-page';
import { runsPage } from './pages/runs-page';
import { trainingPage } from './pages/training-page';
import type { FoundFile } from './run-files';
import type { RunStore, RunView } from './run-store';
import { runTimeline } from './timeline';

export interface PageContext {
  store: RunStore;
  artifacts: RunArtifacts;
  now: () => Date;
}

export async function renderRoute(ctx: PageContext, path: string, query: URLSearchParams): Promise<string | null> {
  if (path === '/') return runsPage(await ctx.store.list(), ctx.now());
  const m = /^\/runs\/([^/]+)(?:\/(debates|datasets|training|questions\/([^/]+)))?$/.exec(path);
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
    default:
      return question(ctx, view, decodeURIComponent(m[3]), query);
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
      const rows = ((await ctx.artifacts.debate(view.runId, debateDirOf(it, split))) ?? []).filter((r) => r.questionId === questionId);
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

/** Methods and their iterations that finetune (l ≥ 1), for the datasets and training choosers. */
function finetuningMethods(view: RunView): { variant: string; iterations: number[] }[] {
  return view.plan.map((m) => ({ variant: m.variant, iterations: m.iterations.map((i) => i.iteration).filter((l) => l > 0) })).filter((m) => m.iterations.length > 0);
}

async function datasets(ctx: PageContext, view: RunView, query: URLSearchParams): Promise<string | null> {
  const method = methodOf(view, query);
  if (!method) return null;
  const iteration = iterationOf(method, query, (l) => l > 0);
  const it = findIteration(view.plan, method.variant, iteration);
  const debate = it ? (await ctx.artifacts.debate(view.runId, debateDirOf(it, 'train'))) ?? [] : [];
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
  const adapters = await Promise.all(
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
    method: c ? `method ${c.method ?? 'multiagent-ft'} · SFT from the ${c.finetune.from} adapter · tied votes: ${c.finetune.ties}` : null,
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
