// "Runs": every run on the server, newest first, live while any of them runs.
import { dateTime, duration, pct } from '../format';
import { html } from '../html';
import { renderPage, runHref, statusBadge } from '../layout';
import type { RunRow } from '../run-store';

export function runsPage(runs: readonly RunRow[], now: Date): string {
  const rows = runs.map((r) => {
    const c = r.config;
    const end = r.closeTime ?? now;
    return html`<tr data-run="${r.runId}">
<td><a href="${runHref(r.runId)}">${r.runId}</a></td>
<td>${statusBadge(r.status.toLowerCase())}</td>
<td>${c ? [c.method ?? 'multiagent-ft', ...c.baselines].join(', ') : '–'}</td>
<td>${c?.model.path ?? '–'}</td>
<td>${c ? `${c.task.name} (${c.task.trainSize} train / ${c.task.testSize} test)` : '–'}</td>
<td class="num">${c ? `${c.agents} × ${c.rounds} × ${c.iterations}` : '–'}</td>
<td class="num" data-key="latest-accuracy">${pct(r.latestAccuracy)}</td>
<td>${dateTime(r.startTime)}</td>
<td class="num">${duration(end.getTime() - r.startTime.getTime())}</td>
</tr>`;
  });
  const body = runs.length === 0
    ? html`<h1>Runs</h1><p class="empty">No runs on this server yet. Start one with <code>npm start</code> or <code>npm run maft -- run --config configs/ci-tiny.yaml</code>.</p>`
    : html`<h1>Runs</h1>
<table class="runs">
<thead><tr><th>run</th><th>status</th><th>methods</th><th>model</th><th>task</th><th class="num" title="agents × rounds × iterations">N × M × L</th><th class="num">latest accuracy</th><th>started (UTC)</th><th class="num">duration</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return renderPage({ title: 'Runs', live: runs.some((r) => r.status === 'RUNNING'), body });
}
