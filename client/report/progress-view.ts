// Live progress of a run: redrawn bars on a terminal, one plain line per change otherwise
// (logs, CI). Polls the client API; a run is followed until its workflow closes.
import type { MaftClient, RunProgress } from '../api';

export interface FollowOptions {
  tty: boolean;
  intervalMs?: number;
  write?: (text: string) => void;
}

export async function followRun(maft: MaftClient, runId: string, options: FollowOptions): Promise<RunProgress> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  let drawnLines = 0;
  let lastLine = '';
  for (;;) {
    const progress = await maft.getProgress(runId).catch(() => null);
    if (progress) {
      if (options.tty) {
        const lines = progressLines(progress);
        // Up to the first line drawn, redraw, and clear whatever the previous frame had below.
        write(`${drawnLines > 0 ? `\x1b[${drawnLines}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`);
        drawnLines = lines.length;
      } else {
        const line = plainLine(progress);
        if (line !== lastLine) write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
        lastLine = line;
      }
      if (progress.status !== 'RUNNING') return progress;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1000));
  }
}

function where(p: RunProgress): string {
  const run = p.run;
  if (!run) return p.status.toLowerCase();
  if (!run.current) {
    if (run.status !== 'running') return run.status;
    if (!run.questions) return 'preparing questions';
    // MAPoRL's verifier trains after the questions and before the first iteration.
    return p.running.some((s) => s.activity === 'trainVerifier') ? 'training the verifier' : 'between iterations';
  }
  const plan = run.plan.find((v) => v.variant.name === run.current?.variant);
  const last = plan ? plan.iterations[plan.iterations.length - 1] : '?';
  const it = p.iteration;
  const step = it ? ` · ${it.step === 'generateDebate' && it.split === 'test' ? 'evaluation debate' : it.step}` : '';
  return `${run.current.variant} iteration ${run.current.iteration}/${last}${step}`;
}

function accuracies(p: RunProgress): string {
  const done = p.run?.results['multiagent-ft'] ?? p.run?.results.magrpo ?? [];
  return done.map((r) => `iter-${r.iteration} ${(100 * r.evaluation.accuracy).toFixed(1)}% ± ${(100 * r.evaluation.stderr).toFixed(1)}`).join(', ');
}

function bar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((width * Math.min(done, total)) / total) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

export function progressLines(p: RunProgress): string[] {
  const lines = [`run ${p.runId}: ${where(p)}`];
  const it = p.iteration;
  if (it?.step === 'generateDebate') lines.push(`  debate shards ${bar(it.shards.done, it.shards.total)}`);
  if (it?.step === 'finetuneAgent') {
    const statuses = Object.values(it.trainees);
    const finished = statuses.filter((s) => s !== 'queued').length;
    const skipped = statuses.filter((s) => s === 'skipped').length;
    lines.push(`  agents finetuned ${bar(finished, statuses.length)}${skipped ? ` (${skipped} skipped: no examples)` : ''}`);
  }
  for (const step of p.running) {
    const hb = step.heartbeat;
    const detail = hb ? `${bar(hb.step, hb.total)}${hb.loss !== undefined ? ` loss ${hb.loss.toFixed(3)}` : ''}${hb.tokensPerSecond ? ` ${Math.round(hb.tokensPerSecond)} tok/s` : ''}` : 'starting';
    lines.push(`  ${step.activity}${step.attempt > 1 ? ` (attempt ${step.attempt})` : ''} ${detail}`);
  }
  const acc = accuracies(p);
  if (acc) lines.push(`  accuracy: ${acc}`);
  if (p.error) lines.push(`  error: ${p.error}`);
  return lines;
}

function plainLine(p: RunProgress): string {
  const acc = accuracies(p);
  return `run ${p.runId}: ${where(p)}${acc ? ` | accuracy ${acc}` : ''}${p.error ? ` | error: ${p.error}` : ''}`;
}
