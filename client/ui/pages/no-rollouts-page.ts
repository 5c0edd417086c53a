// "Rollouts" of a run without an RL method: where its training data are instead.
import { html } from '../html';
import { renderPage, runHref } from '../layout';

export function noRolloutsPage(runId: string): string {
  const body = html`<h1>Rollouts</h1>
<p class="empty">This run trains no RL method (MAPoRL or MAGRPO): its agents learn by multiagent finetuning, from the <a href="${runHref(runId, '/datasets')}">datasets</a> its debates made, with the losses on the <a href="${runHref(runId, '/training')}">Training</a> page.</p>`;
  return renderPage({ title: 'Rollouts', crumbs: [{ label: runId, href: runHref(runId) }, { label: 'Rollouts' }], run: { runId, tab: 'rollouts' }, body });
}
