// "Debates": every question one method debated, its final majority per iteration (right or wrong),
// and how the selected iteration changed it against the previous one or against debate — with
// filters fixed / broken / tie / wrong (server-side by ?filter=, instantly by ui.js).
import type { Split } from '../../../experiment/step-types';
import { html } from '../html';
import type { Html } from '../html';
import { chipRow, renderPage, runHref } from '../layout';
import type { Outcome, OutcomeTable } from '../outcomes';
import type { PlannedMethod } from '../plan';

export const debateFilters = ['all', 'fixed', 'broken', 'tie', 'wrong'] as const;
export type DebateFilter = (typeof debateFilters)[number];

export interface DebatesPageData {
  runId: string;
  plan: PlannedMethod[];
  method: PlannedMethod;
  table: OutcomeTable;
  /** Index into table.iterations of the iteration the tags are for. */
  selected: number;
  against: 'previous' | 'debate';
  /** The comparator's outcomes when against debate (null: no debate evaluated). */
  debate: Map<string, Outcome> | null;
  filter: DebateFilter;
}

export function debatesPage(d: DebatesPageData): string {
  const { runId, table, method } = d;
  const it = table.iterations[d.selected];
  const link = (params: Partial<{ variant: string; iteration: number; split: Split; against: string; filter: string }>): string => {
    const p = { variant: method.variant, iteration: it?.iteration ?? 0, split: table.split, against: d.against, filter: d.filter, ...params };
    return runHref(runId, `/debates?${new URLSearchParams(Object.entries(p).map(([k, v]): [string, string] => [k, String(v)])).toString()}`);
  };
  const comparator = (q: OutcomeTable['questions'][number]): Outcome | null =>
    d.against === 'debate' && table.split === 'test' ? d.debate?.get(q.id) ?? null : d.selected > 0 ? q.outcomes[d.selected - 1] : null;
  const tagsOf = (q: OutcomeTable['questions'][number]): string[] => {
    const now = q.outcomes[d.selected];
    if (!now) return [];
    const before = comparator(q);
    return [
      ...(before && !before.correct && now.correct ? ['fixed'] : []),
      ...(before && before.correct && !now.correct ? ['broken'] : []),
      ...(now.tie ? ['tie'] : []),
      ...(now.correct ? [] : ['wrong']),
    ];
  };
  const tagged = table.questions.map((q) => ({ q, tags: tagsOf(q) }));
  const count = (f: DebateFilter): number => (f === 'all' ? tagged.length : tagged.filter((t) => t.tags.includes(f)).length);
  const questionHref = (id: string): string => runHref(runId, `/questions/${encodeURIComponent(id)}?variant=${encodeURIComponent(method.variant)}&split=${table.split}`);
  const cell = (o: Outcome | null, selected: boolean): Html =>
    o ? html`<td class="answer ${o.correct ? 'right' : 'wrong'}${selected ? ' selected' : ''}">${o.answer ?? '∅'}${o.tie ? html`<sup title="tied vote">tie</sup>` : ''}</td>` : html`<td class="${selected ? 'selected' : ''}">–</td>`;

  const body = html`<h1>Debates · ${method.variant}</h1>
<div class="controls">
${chipRow('method', d.plan.map((m) => ({ label: m.variant, href: link({ variant: m.variant, iteration: m.iterations.at(-1)?.iteration ?? 0 }), on: m.variant === method.variant })))}
${chipRow('questions', [
    { label: 'held-out (evaluation)', href: link({ split: 'test' }), on: table.split === 'test' },
    // An RL method's training debates are its rollouts, per iteration (and PPO batch).
    method.trainedBy === 'multiagent-ft'
      ? { label: 'training (votes → datasets)', href: link({ split: 'train', iteration: Math.max(1, it?.iteration ?? 1) }), on: table.split === 'train' }
      : { label: 'training (rollouts →)', href: runHref(runId, `/rollouts?variant=${encodeURIComponent(method.variant)}&iteration=${Math.max(1, it?.iteration ?? 1)}`), on: false },
  ])}
${chipRow('iteration', table.iterations.map((i) => ({ label: String(i.iteration), href: link({ iteration: i.iteration }), on: i === it })))}
${table.split === 'test' ? chipRow('compared with', [
    { label: 'previous iteration', href: link({ against: 'previous' }), on: d.against === 'previous' },
    { label: 'debate', href: link({ against: 'debate' }), on: d.against === 'debate' },
  ]) : ''}
<div class="filters" data-filter-group><span class="label">show</span>${debateFilters.map((f) => html`<a class="chip filter${f === d.filter ? ' on' : ''}" data-filter="${f}" href="${link({ filter: f })}">${f} <span class="count" data-count="${f}">${count(f)}</span></a>`)}</div>
</div>
${it ? '' : html`<p class="empty">This method has no iteration with ${table.split === 'train' ? 'training debates' : 'an evaluation'}.</p>`}
<table class="debates" data-filterable>
<thead><tr><th>question</th><th>reference</th>${table.iterations.map((i, k) => html`<th class="num${k === d.selected ? ' selected' : ''}">iter ${i.iteration}</th>`)}<th>at iter ${it?.iteration ?? '–'}</th></tr></thead>
<tbody>${tagged.map(({ q, tags }) => html`<tr data-tags="${tags.join(' ')}"${d.filter === 'all' || tags.includes(d.filter) ? '' : html` hidden`}>
<td class="question"><a href="${questionHref(q.id)}"><code>${q.id}</code></a> ${truncate(q.question, 110)}</td><td class="answer">${q.reference}</td>
${q.outcomes.map((o, k) => cell(o, k === d.selected))}<td class="tags">${tags.map((t) => html`<span class="tag ${t}">${t}</span>`)}</td></tr>`)}</tbody>
</table>
<p class="note">${table.split === 'test'
    ? 'Each cell is the final-round majority of that iteration’s evaluation debate (green: equivalent to the reference). fixed / broken: wrong → right / right → wrong against the comparison; tie: the final vote was tied and ŷ a seeded pick among the tied answers.'
    : 'Training questions of each iteration: ŷ of the majority vote that labelled the agents’ datasets (green: ŷ happens to be right — the method never sees the reference).'}</p>`;
  return renderPage({ title: `Debates · ${method.variant}`, crumbs: [{ label: runId, href: runHref(runId) }, { label: 'Debates' }], run: { runId, tab: 'debates' }, body });
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
