// "Training": for one iteration, every adapter's hyperparameters, steps and losses, the loss of
// each optimizer step (losses.parquet) as curves, and a link to its PEFT directory.
import type { TrainingStepRow } from '../../../data/artifacts';
import type { RoleFinetuneConfig } from '../../../experiment/experiment-schema';
import type { IterationReport } from '../../report/results';
import { num } from '../format';
import { html } from '../html';
import type { Html } from '../html';
import { fileHref, iterationChooser, renderPage, runHref } from '../layout';
import { lossChart } from '../loss-chart';

export interface AdapterTraining {
  trainee: string;
  role: string;
  stepDir: string;
  hyper: RoleFinetuneConfig | null;
  /** null: no per-step log (skipped, or a run from before losses.parquet existed). */
  losses: TrainingStepRow[] | null;
}

export interface TrainingPageData {
  runId: string;
  methods: { variant: string; iterations: number[] }[];
  variant: string;
  iteration: number;
  /** finetune.method and finetune.from of the config. */
  method: string | null;
  report: IterationReport | null;
  adapters: AdapterTraining[];
}

export function trainingPage(d: TrainingPageData): string {
  const chart = lossChart(`Loss per optimizer step, ${d.variant} iteration ${d.iteration}`, d.adapters.map((a) => ({ label: a.trainee, losses: a.losses })));
  const rows = (d.report?.training ?? []).map((t) => {
    const a = d.adapters.find((x) => x.trainee === t.trainee);
    return html`<tr data-trainee="${t.trainee}"><td>${t.trainee}</td><td>${a?.role ?? '–'}</td><td class="num" data-key="examples">${t.examples}</td><td class="num" data-key="steps">${t.skipped ? 'skipped' : t.steps}</td>
<td class="num" data-key="final-loss">${num(t.finalLoss, 4)}</td><td class="num">${num(t.meanLoss, 4)}</td><td class="num">${t.resumedFromStep || '–'}</td>
<td class="links">${a && !t.skipped ? html`<a href="${fileHref(d.runId, `${a.stepDir}/adapter/`)}">PEFT adapter</a>${a.losses ? html` · <a href="${fileHref(d.runId, `${a.stepDir}/losses.parquet`)}">losses.parquet</a>` : ''}` : ''}</td></tr>`;
  });
  const body = html`<h1>Training · ${d.variant} iteration ${d.iteration}</h1>
${iterationChooser(d.runId, 'training', d.methods, d)}
${d.method ? html`<p class="meta">${d.method}</p>` : ''}
${hyperTable(d.adapters)}
${chart ? html`<figure>${chart}</figure>` : html`<p class="empty">No per-step loss log: ${rows.length ? 'this run predates losses.parquet, or every trainee was skipped' : 'nothing was trained'}.</p>`}
${rows.length ? html`<table class="training"><thead><tr><th>trainee</th><th>role</th><th class="num">examples</th><th class="num">steps</th><th class="num">final loss</th><th class="num">mean loss</th><th class="num" title="a retried attempt resumed from this checkpoint">resumed at</th><th></th></tr></thead><tbody>${rows}</tbody></table>` : html`<p class="empty">No finetuning in this iteration.</p>`}
${d.adapters.filter((a) => !a.losses).length && chart ? html`<p class="note">Without a loss log: ${d.adapters.filter((a) => !a.losses).map((a) => a.trainee).join(', ')} (skipped: no examples).</p>` : ''}`;
  return renderPage({ title: `Training · ${d.variant} ${d.iteration}`, crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Training' }], run: { runId: d.runId, tab: 'training' }, body });
}

/** One row per role in training: the hyperparameters of finetune.<role>. */
function hyperTable(adapters: readonly AdapterTraining[]): Html {
  const roles = [...new Map(adapters.filter((a) => a.hyper).map((a) => [a.role, a.hyper!])).entries()];
  if (roles.length === 0) return html``;
  return html`<table class="hyper"><thead><tr><th>role</th><th>mode</th><th class="num">LoRA rank / α</th><th class="num">dropout</th><th>target modules</th><th class="num">learning rate</th><th>schedule</th><th class="num">warmup</th><th class="num">epochs</th><th class="num">batch tokens × accumulation</th><th class="num">weight decay</th><th class="num">grad clip</th></tr></thead>
<tbody>${roles.map(([role, h]) => html`<tr><td>${role}</td><td>${h.mode}</td><td class="num">${h.mode === 'lora' ? `${h.rank} / ${h.alpha}` : '–'}</td><td class="num">${h.dropout}</td><td>${h.targetModules.join(', ')}</td><td class="num">${h.learningRate}</td><td>${h.schedule}</td><td class="num">${h.warmupSteps}</td><td class="num">${h.epochs}</td><td class="num">${h.batchTokens} × ${h.gradientAccumulation}</td><td class="num">${h.weightDecay}</td><td class="num">${h.maxGradNorm}</td></tr>`)}</tbody></table>`;
}
