// One question across the iterations of one method: per iteration the rounds × agents grid of
// responses and extracted answers, the majority and whether it was right; on training questions
// also the vote counts and the dataset examples it became.
import type { AgentDatasetRow, DebateRow, VoteRow } from '../../../data/artifacts';
import type { Task } from '../../../data/task';
import type { Split } from '../../../experiment/step-types';
import { html } from '../html';
import type { Html } from '../html';
import { answerPill, renderPage, runHref } from '../layout';
import { cellAnchor } from '../lineage';
import type { Outcome } from '../outcomes';
import type { PlannedIteration } from '../plan';

export interface QuestionIteration {
  iteration: PlannedIteration;
  outcome: Outcome | null;
  rows: DebateRow[];
  vote: VoteRow | null;
  /** Training split: the examples made from this question, with their trainee and origin round. */
  examples: { trainee: string; index: number; example: AgentDatasetRow; round: number | null }[];
}

export interface QuestionPageData {
  runId: string;
  variant: string;
  split: Split;
  question: { id: string; question: string; reference: string };
  task: Task | null;
  iterations: QuestionIteration[];
}

export function questionPage(d: QuestionPageData): string {
  const right = (answer: string | null): boolean | null => (answer === null || !d.task ? null : d.task.isEquivalent(answer, d.question.reference));
  const pill = (answer: string | null): Html => answerPill(answer, right(answer));
  const card = (q: QuestionIteration): Html => {
    const l = q.iteration.iteration;
    const answering = q.rows.filter((r) => r.role !== 'summarizer');
    const rounds = [...new Set(answering.map((r) => r.round))].sort((a, b) => a - b);
    const agents = [...new Set(answering.map((r) => r.agent))].sort((a, b) => a - b);
    const at = (m: number, n: number, summary: boolean): DebateRow | undefined => q.rows.find((r) => r.round === m && r.agent === n && (r.role === 'summarizer') === summary);
    const o = q.outcome;
    const grid = html`<table class="grid"><thead><tr><th>round</th>${agents.map((n) => html`<th>agent ${n}</th>`)}</tr></thead>
<tbody>${rounds.map((m) => html`<tr><th>${m}</th>${agents.map((n) => {
      const r = at(m, n, false);
      const s = at(m, n, true);
      return r
        ? html`<td id="${cellAnchor(l, m, n)}" class="cell"><div class="cell-head">${pill(r.answer)} <span class="muted">${r.role}</span></div><pre class="response">${r.response}</pre>
<details><summary>prompt</summary><pre class="prompt">${r.prompt}</pre></details>${s ? html`<details><summary>summary it was given</summary><pre class="prompt">${s.response}</pre></details>` : ''}</td>`
        : html`<td class="cell muted">–</td>`;
    })}</tr>`)}</tbody></table>`;
    const votes = q.vote ? html` · votes ${q.vote.voteAnswers.map((a, i) => `${a} ×${q.vote!.voteCounts[i]}`).join(', ')}${q.vote.tieBreak ? ` (tie broken: ${q.vote.tieBreak})` : ''}` : '';
    const examples = d.split === 'train'
      ? html`<p class="examples"><strong>Became training data:</strong> ${q.examples.length === 0 ? 'no example (no agent agreed with ŷ, or ties are skipped)' : q.examples.map((e) => html`<a class="tag ${e.example.source}" href="${runHref(d.runId, `/datasets?variant=${encodeURIComponent(d.variant)}&iteration=${l}#ex-${e.trainee}-${e.index}`)}">${e.trainee} · ${sourceLabel(e.example.source)}${e.round === null ? '' : ` (round ${e.round})`}</a>`)}</p>`
      : '';
    return html`<section class="card" id="iter-${l}"><h2>Iteration ${l} ${o ? html`<span class="outcome ${o.correct ? 'right' : 'wrong'}">ŷ = ${o.answer ?? '∅'} ${o.correct ? '✓ right' : '✗ wrong'}${o.tie ? ' · tied vote' : ''}</span>` : html`<span class="muted">not decided yet</span>`}${votes}</h2>
${q.rows.length ? grid : html`<p class="empty">No transcript of this iteration (not run yet, or its files are gone).</p>`}${examples}</section>`;
  };
  const trail = d.iterations.map((q) => html`<span class="trail ${q.outcome ? (q.outcome.correct ? 'right' : 'wrong') : 'none'}"><a href="#iter-${q.iteration.iteration}">iter ${q.iteration.iteration}</a></span>`);
  const body = html`<h1>Question <code>${d.question.id}</code> <span class="muted">${d.variant} · ${d.split === 'test' ? 'held-out' : 'training'}</span></h1>
<div class="question-box"><pre>${d.question.question}</pre><p>reference answer: <strong>${d.question.reference}</strong></p><p class="trail-row">${trail}</p></div>
${d.iterations.map(card)}`;
  return renderPage({ title: `Question ${d.question.id}`, crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Debates', href: runHref(d.runId, `/debates?variant=${encodeURIComponent(d.variant)}&split=${d.split}`) }, { label: d.question.id }], run: { runId: d.runId, tab: 'debates' }, body });
}

export function sourceLabel(source: string): string {
  return ({ gen: 'D^G', d_minus: 'D⁻', d_plus: 'D⁺' } as Record<string, string>)[source] ?? source;
}
