// "Verifier" of a MAPoRL run with `maporl.verifier: model` (linked from its Rollouts page): what
// the learned v(t, i) was trained on — the verifier split, the label balance and every question's
// sampled answers with their labels — its hyperparameters and BCE loss per step, and how far its
// probabilities can be trusted as the reward: Brier score, agreement at 0.5 and mean v on right and
// wrong responses of every PPO batch it scored.
import type { VerifierCalibration } from '../../../data/method/maporl/verifier-calibration';
import type { MaporlConfig } from '../../../experiment/maporl-schema';
import { num, pct } from '../format';
import { html } from '../html';
import type { Html } from '../html';
import { answerPill, fileHref, renderPage, runHref } from '../layout';
import { lossChart } from '../loss-chart';
import type { IterationCalibration, MaporlVerifier, VerifierQuestion } from '../maporl-verifier';
import { mean } from '../rl-stats';
import { truncate } from './debates-page';

export interface VerifierPageData {
  runId: string;
  training: MaporlConfig['verifierTraining'];
  data: MaporlVerifier;
}

export function verifierPage(d: VerifierPageData): string {
  const { data, training: t } = d;
  const b = data.balance;
  const chart = lossChart('Verifier loss per optimizer step (BCE)', [{ label: 'verifier', losses: data.losses }], 'BCE loss (per token)');
  const files = [['questions/verifier.parquet', data.files.questions], ['samples.parquet', data.files.samples], ['losses.parquet', data.files.losses]].map(([label, path]) => html`<a href="${fileHref(d.runId, path)}">${label}</a> · `);
  const hyper = html`<table class="hyper"><thead><tr><th class="num">questions (trainSize)</th><th class="num">samples per question</th><th class="num">LoRA rank / α</th><th class="num">dropout</th><th>target modules</th><th class="num">learning rate</th><th class="num">epochs</th></tr></thead>
<tbody><tr><td class="num">${t.trainSize ?? '–'}</td><td class="num">${t.samplesPerQuestion}</td><td class="num">${t.lora.rank} / ${t.lora.alpha}</td><td class="num">${t.lora.dropout}</td><td>${t.lora.targetModules.join(', ')}</td><td class="num">${t.learningRate}</td><td class="num">${t.epochs}</td></tr></tbody></table>`;
  const split = html`<table class="verifier-split"><thead><tr><th class="num">questions</th><th class="num">samples</th><th class="num">labelled correct</th><th class="num" title="questions whose every sample is right">all right</th><th class="num" title="questions with right and wrong samples">mixed</th><th class="num" title="questions without a right sample">none right</th></tr></thead>
<tbody><tr><td class="num" data-key="questions">${data.questions ?? '–'}</td><td class="num" data-key="samples">${b?.samples ?? '–'}</td><td class="num" data-key="correct">${pct(b?.correct)}</td><td class="num" data-key="all-right">${b?.allRight ?? '–'}</td><td class="num" data-key="mixed">${b?.mixed ?? '–'}</td><td class="num" data-key="none-right">${b?.noneRight ?? '–'}</td></tr></tbody></table>`;
  const losses = data.losses ?? [];
  const body = html`<h1>Verifier · learned v(t, i)</h1>
<p class="meta">Before any RL the base model answered each of the verifier's own questions (drawn apart from the RL ones) ${t.samplesPerQuestion} times; each answer is labelled 1 when it equals the reference, else 0, and base + LoRA + a scalar head learned P(correct) from them with binary cross-entropy on every completion token. scoreRollouts reads the head's probability after a response's last token as its v(t, i).</p>
<section><h2>Training</h2>${hyper}${split}
${chart ? html`<figure>${chart}</figure><p class="note">${losses.length} optimizer steps · final loss ${num(losses.at(-1)?.loss, 4)} · mean ${num(mean(losses.map((s) => s.loss)), 4)}</p>` : html`<p class="empty">No loss log yet: the verifier is still training, or its training failed.</p>`}
<p class="note">${files}<a href="${fileHref(d.runId, `${data.files.adapter}/`)}">adapter</a>. Mixed questions are the ones where the verifier must judge the answer rather than the question.</p></section>
<section><h2>Calibration on the PPO batches</h2>${data.calibration.length ? calibrationTable(d.runId, data.calibration) : html`<p class="empty">No PPO batch has started yet.</p>`}
<p class="note">On each batch's responses, before its update (scores.parquet has the verifier's v and the ground truth): Brier = mean (v − label)², 0.250 for a constant 0.5; agreement: the share where v ≥ 0.5 matches the label; mean v on right and wrong responses — the further apart, the better it separates them. "all": every scored response of the iteration.</p></section>
<section><h2>Samples, per question</h2>${data.samples ? data.samples.map((q) => questionBlock(q)) : html`<p class="empty">The verifier's samples are not written yet.</p>`}</section>`;
  const rollouts = runHref(d.runId, '/rollouts');
  return renderPage({ title: 'Verifier', crumbs: [{ label: d.runId, href: runHref(d.runId) }, { label: 'Rollouts', href: rollouts }, { label: 'Verifier' }], run: { runId: d.runId, tab: 'rollouts' }, body });
}

function calibrationTable(runId: string, iterations: readonly IterationCalibration[]): Html {
  const cells = (c: VerifierCalibration | null): Html => (c
    ? html`<td class="num" data-key="responses">${c.responses}</td><td class="num" data-key="brier">${num(c.brier)}</td><td class="num" data-key="agreement">${pct(c.agreement)}</td><td class="num" data-key="mean-right">${num(c.meanOnRight)}</td><td class="num" data-key="mean-wrong">${num(c.meanOnWrong)}</td>`
    : html`<td class="num muted" colspan="5">not scored yet</td>`);
  const rows = iterations.flatMap((it) => {
    const href = (batch: number): string => runHref(runId, `/rollouts?variant=${encodeURIComponent(it.variant)}&iteration=${it.iteration}&batch=${batch}`);
    return [
      ...it.batches.map((b) => html`<tr data-variant="${it.variant}" data-iteration="${it.iteration}" data-batch="${b.batch}"><td>${it.variant}</td><td class="num">${it.iteration}</td><td class="num"><a href="${href(b.batch)}">${b.batch}</a></td>${cells(b.calibration)}</tr>`),
      html`<tr data-variant="${it.variant}" data-iteration="${it.iteration}" data-batch="all"><td>${it.variant}</td><td class="num">${it.iteration}</td><td class="num">all</td>${cells(it.all)}</tr>`,
    ];
  });
  return html`<table class="batches verifier-calibration"><thead><tr><th>method</th><th class="num">iteration</th><th class="num">batch</th><th class="num">responses</th><th class="num">Brier</th><th class="num">agreement at 0.5</th><th class="num">mean v, right</th><th class="num">mean v, wrong</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function questionBlock(q: VerifierQuestion): Html {
  const right = q.samples.filter((s) => s.correct).length;
  const label = (correct: boolean | null): string => (correct === null ? '–' : correct ? '1' : '0');
  return html`<details class="rollout" id="q-${q.id}" data-question="${q.id}"><summary><code>${q.id}</code> ${truncate(q.question ?? '', 80)} <span class="muted">reference ${q.reference ?? '?'} · <span data-key="right">${right}/${q.samples.length}</span> right</span> ${q.samples.map((s) => answerPill(s.rollout.answer, s.correct))}</summary>
<table class="completions"><thead><tr><th class="num">sample</th><th>extracted answer</th><th class="num">label</th><th class="num">tokens</th><th>completion</th></tr></thead>
<tbody>${q.samples.map((s) => html`<tr data-sample="${s.rollout.sample}"><td class="num">${s.rollout.sample}</td><td>${answerPill(s.rollout.answer, s.correct)}</td><td class="num" data-key="label">${label(s.correct)}</td><td class="num">${s.rollout.tokenIds.length}${s.rollout.finishReason === 'length' ? ' (cut)' : ''}</td>
<td><details><summary>completion</summary><pre class="response">${s.rollout.completion}</pre></details></td></tr>`)}</tbody></table>
${q.samples.length ? html`<details><summary>prompt</summary><pre class="prompt">${q.samples[0].rollout.prompt}</pre></details>` : ''}</details>`;
}
