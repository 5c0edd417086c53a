// The frame of every page: title, breadcrumbs, a run's tabs, the stylesheet and the one script.
import { html } from './html';
import type { Html } from './html';

export type RunTab = 'overview' | 'debates' | 'datasets' | 'training' | 'rollouts' | 'files';

export interface PageFrame {
  title: string;
  /** Breadcrumbs after "Runs": label and link (the last one is the current page, unlinked). */
  crumbs?: { label: string; href?: string }[];
  /** A run's pages show its tabs. */
  run?: { runId: string; tab: RunTab };
  /** While true, ui.js reloads the page's content every few seconds (a running run). */
  live?: boolean;
  body: Html;
}

const tabs: { tab: RunTab; label: string; path: string }[] = [
  { tab: 'overview', label: 'Overview', path: '' },
  { tab: 'debates', label: 'Debates', path: '/debates' },
  { tab: 'datasets', label: 'Datasets', path: '/datasets' },
  { tab: 'training', label: 'Training', path: '/training' },
  { tab: 'rollouts', label: 'Rollouts', path: '/rollouts' },
  { tab: 'files', label: 'Files', path: '' },
];

export function runHref(runId: string, path = ''): string {
  return `/runs/${encodeURIComponent(runId)}${path}`;
}

/** A file or, with a trailing "/", a directory of the run (relative to its run directory). */
export function fileHref(runId: string, path = ''): string {
  const segments = [runId, ...path.split('/').filter(Boolean)].map(encodeURIComponent).join('/');
  return `/files/${segments}${path === '' || path.endsWith('/') ? '/' : ''}`;
}

export function renderPage(frame: PageFrame): string {
  const crumbs = [{ label: 'Runs', href: '/' }, ...(frame.crumbs ?? [])];
  const nav = crumbs.map((c, i) => (c.href && i < crumbs.length - 1 ? html`<a href="${c.href}">${c.label}</a>` : html`<span>${c.label}</span>`));
  const runTabs = frame.run
    ? html`<nav class="tabs">${tabs.map(({ tab, label, path }) => {
        const href = tab === 'files' ? fileHref(frame.run!.runId) : runHref(frame.run!.runId, path);
        return html`<a href="${href}"${tab === frame.run!.tab ? html` class="active"` : ''}>${label}</a>`;
      })}</nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${frame.title} · maft</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/ui.css">
<script src="/static/ui.js" defer></script>
</head>
<body>
<header><a class="brand" href="/">maft</a><nav class="crumbs">${nav.map((n, i) => (i === 0 ? n : html`<span class="sep">/</span>${n}`))}</nav></header>
${runTabs}
<main${frame.live ? html` data-live="true"` : ''}>
${frame.body}
</main>
<footer>maft run inspector · read-only</footer>
</body>
</html>
`.markup;
}

/** A run's or step's status as a coloured badge (ui.css: .badge.<status>). */
export function statusBadge(status: string): Html {
  return html`<span class="badge ${status.replace(/[^a-z]/g, '-')}">${status}</span>`;
}

/** An extracted answer, green when right, red when wrong, grey when it cannot be judged or there is none. */
export function answerPill(answer: string | null, correct: boolean | null): Html {
  return html`<span class="pill ${correct === null || answer === null ? 'none' : correct ? 'right' : 'wrong'}">${answer ?? 'no answer'}</span>`;
}

/** A row of links choosing one of several views (method, iteration, split…); the current one is marked. */
export function chipRow(label: string, chips: { label: string; href: string; on: boolean }[]): Html {
  return html`<div><span class="label">${label}</span>${chips.map((c) => html`<a class="chip${c.on ? ' on' : ''}" href="${c.href}">${c.label}</a>`)}</div>`;
}

/** The method and iteration choosers of the per-iteration pages (datasets, training, rollouts). */
export function iterationChooser(runId: string, page: string, methods: { variant: string; iterations: number[] }[], current: { variant: string; iteration: number }): Html {
  const href = (variant: string, iteration: number): string => runHref(runId, `/${page}?variant=${encodeURIComponent(variant)}&iteration=${iteration}`);
  const method = methods.find((m) => m.variant === current.variant);
  return html`<div class="controls">
${chipRow('method', methods.map((m) => ({ label: m.variant, href: href(m.variant, m.iterations.at(-1) ?? 1), on: m.variant === current.variant })))}
${chipRow('iteration', (method?.iterations ?? []).map((l) => ({ label: String(l), href: href(current.variant, l), on: l === current.iteration })))}
</div>`;
}
