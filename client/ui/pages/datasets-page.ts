// "Datasets": for one iteration, each trainee's dataset — D^G for generation agents, the w-mix of
// D⁻ and D⁺ for critics (pool sizes and what was actually drawn) — and every example, linked back
// to the debate response it copies.
import type { AgentDatasetRow } from '../../../data/artifacts';
import type { IterationReport } from '../../report/results';
import { html } from '../html';
import type { Html } from '../html';
import { fileHref, iterationChooser, renderPage, runHref } from '../layout';
import { transcriptHref } from '../lineage';
import { truncate } from './debates-page';
import { sourceLabel } from './question-page';

export interface TraineeExamples {
  trainee: string;
  file: string;
  /** null when the file is missing. */
  rows: { example: AgentDatasetRow; anchor: string | undefined }[] | null;
}

export interface DatasetsPageData {
  runId: string;
  methods: { variant: string; iterations: number[] }[];
  variant: string;
  iteration: number;
  w: number | null;
  report: IterationReport | null;
  trainees: TraineeExamples[];
}

export function datasetsPage(d: DatasetsPageData): string {
  const r = d.report;
  const drawn = (t: TraineeExamples, source: string): number | string => (t.rows ? t.rows.filter((x) => x.example.source === source).length : '–');
  const summary = r && r.datasets.length
    ? html`<table class="datasets"><thead><tr><th>trainee</th><th>role</th><th class="num">examples</th><th class="num">D^G drawn</th><th class="num">|D⁻|</th><th class="num">|D⁺|</th><th class="num">D⁻ drawn</th><th class="num">D⁺ drawn</th><th class="num">repeats</th><th></th></tr></thead>
<tbody>${r.datasets.map((s) => {
        const t = d.trainees.find((x) => x.trainee === s.trainee);
        return html`<tr data-trainee="${s.trainee}"><td><a href="#${s.trainee}">${s.trainee}</a></td><td>${s.role}</td><td class="num" data-key="examples">${s.examples}</td>
<td class="num">${t ? drawn(t, 'gen') : '–'}</td><td class="num">${s.dMinus ?? '–'}</td><td class="num">${s.dPlus ?? '–'}</td><td class="num">${t ? drawn(t, 'd_minus') : '–'}</td><td class="num">${t ? drawn(t, 'd_plus') : '–'}</td><td class="num">${s.repeats ?? '–'}</td>
<td>${t ? html`<a href="${fileHref(d.runId, t.file)}">parquet</a>` : ''}</td></tr>`;
      })}</tbody></table>
<p class="note">D^G: a generation agent's own round-1 answers that agree with ŷ. Critics: D⁻ = critic answers that were wrong in round 1 and corrected to ŷ, D⁺ = answers right from the start; the mix takes a share w${d.w === null ? '' : ` = ${d.w}`} from D⁻ and 1 − w from D⁺ ("drawn" counts the rows in the file). Every example links to the debate response it copies.</p>`
    : html`<p class="empty">This iteration has no datasets (iteration 0 only evaluates, or the split has not run yet).</p>`;
  const votes = r?.votes ? html`<p class="meta">Majority vote over ${r.votes.questions} training questions: ${r.votes.ties} ties, ${r.votes.noAnswer} without an answer, ŷ right on ${(100 * r.votes.majorityAccuracy).toFixed(1)}% (reported only; the method never sees the reference). <a href="${runHref(d.runId, `/debates?variant=${encodeURIComponent(d.variant)}&iteration=${d.iteration}&split=train`)}">Training debates →</a></p>` : '';
  const examples = (t: TraineeExamples): Html => html`<details class="trainee" id="${t.trainee}" open><summary><strong>${t.trainee}</strong> <span class="muted">${t.rows ? `${t.rows.length} examples` : 'file missing'}</span></summary>
${t.rows && t.rows.length ? html`<table class="examples"><thead><tr><th class="num">#</th><th>source</th><th>question</th><th>completion</th></tr></thead><tbody>${t.rows.map(({ example: e, anchor }, i) => html`<tr id="ex-${t.trainee}-${i}">
<td class="num">${i}</td><td><span class="tag ${e.source}">${sourceLabel(e.source)}</span></td>
<td><a href="${transcriptHref(d.runId, d.variant, 'train', e.questionId, anchor)}"><code>${e.questionId}</code></a></td>
<td><details><summary>${truncate(e.completion, 140)}</summary><pre class="prompt">${e.prompt}</pre><pre class="response">${e.completion}</pre></details></td></tr>`)}</tbody></table>` : ''}</details>`;
  const body = html`<h1>Datasets · ${d.variant} iteration ${d.iteration}</h1>
${iterationChooser(d.runId, 'datasets', d.methods, d)}
${votes}${summary}${d.trainees.map(examples)}`;
  return renderPage({ title: `Datasets · ${d.variant} ${d.iteration}`, crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Datasets' }], run: { runId: d.runId, tab: 'datasets' }, body });
}
