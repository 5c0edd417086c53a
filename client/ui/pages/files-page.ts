// A directory of a run as a list of links (files download as they are; nothing is interpreted).
import { dateTime } from '../format';
import { html } from '../html';
import { fileHref, renderPage, runHref } from '../layout';

export interface DirEntry {
  name: string;
  dir: boolean;
  size: number;
  mtime: Date;
}

export function filesPage(segments: string[], entries: DirEntry[]): string {
  const [runId, ...inside] = segments;
  const here = inside.join('/');
  const up = inside.length > 0 ? fileHref(runId, `${inside.slice(0, -1).join('/')}/`) : null;
  const sorted = [...entries].sort((a, b) => Number(b.dir) - Number(a.dir) || a.name.localeCompare(b.name));
  const body = html`<h1>Files · <code>runs/${segments.join('/')}/</code></h1>
<table class="files"><thead><tr><th>name</th><th class="num">size</th><th>modified (UTC)</th></tr></thead><tbody>
${up ? html`<tr><td><a href="${up}">../</a></td><td></td><td></td></tr>` : ''}
${sorted.map((e) => html`<tr><td><a href="${fileHref(runId, `${here ? `${here}/` : ''}${e.name}${e.dir ? '/' : ''}`)}">${e.name}${e.dir ? '/' : ''}</a></td><td class="num">${e.dir ? '' : size(e.size)}</td><td>${dateTime(e.mtime)}</td></tr>`)}
</tbody></table>`;
  return renderPage({ title: `Files · ${segments.join('/')}`, crumbs: [{ label: runId, href: runHref(runId) }, { label: 'Files' }], run: { runId, tab: 'files' }, body });
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
