// The timeline section of the run page: one table per workflow (the run, then each iteration),
// one row per step with its attempts, status and duration, and a bar placed on the run's time axis.
import { duration } from '../format';
import { html } from '../html';
import type { Html } from '../html';
import { statusBadge } from '../layout';
import type { TimelineStep, WorkflowTimeline } from '../timeline';

export function timelineView(workflows: readonly WorkflowTimeline[], now: Date): Html {
  if (workflows.length === 0) return html`<p class="empty">No workflow history on this server.</p>`;
  const start = workflows[0].startMs;
  const end = Math.max(workflows[0].closeMs ?? now.getTime(), ...workflows.map((w) => w.closeMs ?? now.getTime()));
  const span = Math.max(1, end - start);
  const bar = (from: number, to: number, status: string): Html => {
    const x = (1000 * (from - start)) / span;
    const w = Math.max(2, (1000 * (to - from)) / span);
    return html`<svg class="bar" viewBox="0 0 1000 10" preserveAspectRatio="none" aria-hidden="true"><rect x="${x.toFixed(1)}" y="0" width="${w.toFixed(1)}" height="10" class="${status.replace(/[^a-z]/g, '-')}"/></svg>`;
  };
  const row = (s: TimelineStep): Html => {
    const to = s.closedMs ?? now.getTime();
    return html`<tr class="step" data-activity="${s.activity}" data-status="${s.status}">
<td>${s.label}</td><td>${s.activity}</td><td class="num${s.attempts > 1 ? ' warn' : ''}" data-key="attempts">${s.attempts}${s.attempts > 1 ? ` (${s.attempts - 1} retr${s.attempts > 2 ? 'ies' : 'y'})` : ''}</td>
<td>${statusBadge(s.status)}</td><td class="num">${duration(to - s.scheduledMs)}</td><td class="bar-cell">${bar(s.scheduledMs, to, s.status)}</td></tr>
${s.failure ? html`<tr class="failure"><td colspan="6">${s.status === 'completed' ? 'an earlier attempt failed: ' : ''}${s.failure}</td></tr>` : ''}`;
  };
  const totals = workflows.flatMap((w) => w.steps).reduce((t, s) => ({ steps: t.steps + 1, retries: t.retries + s.attempts - 1, failed: t.failed + (s.status === 'failed' || s.status === 'timed out' ? 1 : 0) }), { steps: 0, retries: 0, failed: 0 });
  return html`<p class="note">${totals.steps} steps, ${totals.retries} retries, ${totals.failed} failed, from the workflow histories. Durations are close − scheduled, so they include time in the task queue: the embedded devserver records ActivityTaskStarted only when an attempt ends, so start times are not reliable there. Bars share the run's time axis (${duration(span)}).</p>
${workflows.map((w) => html`<details class="workflow" open>
<summary><code>${w.workflowId}</code> ${statusBadge(w.status)} <span class="muted">${duration((w.closeMs ?? now.getTime()) - w.startMs)} · ${w.steps.length} steps</span></summary>
${w.steps.length ? html`<table class="timeline"><thead><tr><th>step</th><th>activity</th><th class="num">attempts</th><th>status</th><th class="num">duration</th><th class="bar-cell">${''}</th></tr></thead><tbody>${w.steps.map(row)}</tbody></table>` : html`<p class="muted">no activities of its own</p>`}
</details>`)}`;
}
