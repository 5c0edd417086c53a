// The run inspector's HTTP server (node:http, read-only): GET and HEAD only, pages rendered per
// request, its own two static files, and the run directories under /files/. Nothing it serves
// writes anywhere; it binds where it is told (the command defaults to 127.0.0.1).
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { MaftClient } from '../api';
import { CliError } from '../cli-error';
import { RunArtifacts } from './artifacts';
import { html } from './html';
import { renderPage } from './layout';
import { renderDirectory, renderRoute } from './routes';
import type { PageContext } from './routes';
import { contentTypeOf, resolveRunFile } from './run-files';
import { RunStore } from './run-store';

export interface UiServerOptions {
  maft: MaftClient;
  runsRoot: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

const staticFiles: Record<string, string> = { 'ui.css': 'text/css; charset=utf-8', 'ui.js': 'text/javascript; charset=utf-8' };

// Pages load only our own stylesheet and script; files from runs are served sandboxed, so an SVG
// or HTML file in a run directory cannot run script in the inspector's origin.
const PAGE_CSP = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'";
const FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const ctx: PageContext = { store: new RunStore(options.maft), artifacts: new RunArtifacts(options.runsRoot), now: () => new Date() };
  const server = createServer((req, res) => {
    handle(ctx, options.runsRoot, req, res).catch((err: unknown) => {
      const notFound = err instanceof CliError;
      const message = err instanceof Error ? err.message : String(err);
      if (!res.headersSent) send(req, res, notFound ? 404 : 500, errorPage(notFound ? 'Not found' : 'Error', message));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function handle(ctx: PageContext, runsRoot: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(req, res, 405, errorPage('Method not allowed', 'The run inspector is read-only: GET and HEAD only.'));
  }
  // The raw path, not a normalized URL: "/files/../x" must reach the refusal below, not become "/x".
  const raw = req.url ?? '/';
  const [path, search = ''] = raw.split('?', 2);
  const query = new URLSearchParams(search);
  if (path.startsWith('/static/')) {
    const name = path.slice('/static/'.length);
    if (!Object.hasOwn(staticFiles, name)) return send(req, res, 404, errorPage('Not found', path));
    const body = await readFile(fileURLToPath(new URL(`./static/${name}`, import.meta.url)));
    return send(req, res, 200, body, staticFiles[name]);
  }
  if (path.startsWith('/files/')) {
    const file = await resolveRunFile(runsRoot, path.slice('/files/'.length));
    if (file.kind === 'refused') return send(req, res, 403, errorPage('Refused', `Only files under the runs directory are served (${file.reason}).`));
    if (file.kind === 'missing') return send(req, res, 404, errorPage('Not found', decodeSafely(path)));
    if (file.kind === 'dir') {
      if (!path.endsWith('/')) return redirect(res, `${path}/`);
      return send(req, res, 200, await renderDirectory(file));
    }
    res.writeHead(200, { 'Content-Type': contentTypeOf(file.path), 'Content-Length': file.size, 'Content-Security-Policy': FILE_CSP, 'X-Content-Type-Options': 'nosniff' });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file.path).pipe(res);
    return;
  }
  const page = await renderRoute(ctx, path, query);
  if (page === null) return send(req, res, 404, errorPage('Not found', decodeSafely(path)));
  send(req, res, 200, page);
}

function send(req: IncomingMessage, res: ServerResponse, status: number, body: string | Buffer, type = 'text/html; charset=utf-8'): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': bytes.length,
    'Content-Security-Policy': PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(301, { Location: location });
  res.end();
}

function errorPage(title: string, message: string): string {
  return renderPage({ title, body: html`<h1>${title}</h1><p class="error">${message}</p>` });
}

function decodeSafely(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
