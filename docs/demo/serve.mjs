// A minimal static file server on 127.0.0.1 (node:http) for the demo and its browser test.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.bin': 'application/octet-stream',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves folders under URL prefixes (the longest matching prefix wins), e.g. `{ '/': site, '/demo/': demo }`.
 * Directory URLs serve their `index.html`. Every request is recorded in `requests` (path and status).
 * @param {Record<string, string>} mounts URL prefix (ending in '/') → folder
 * @param {{ port?: number }} [options] port 0 (default) picks a free one
 * @returns {Promise<{ url: string, requests: { path: string, status: number }[], close: () => Promise<void> }>}
 */
export async function serveStatic(mounts, options = {}) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  /** @type {{ path: string, status: number }[]} */
  const requests = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    let file = null;
    if (prefix !== undefined) {
      const root = normalize(mounts[prefix]);
      const candidate = normalize(join(root, path.slice(prefix.length)));
      if (candidate === root || candidate.startsWith(root + sep)) {
        file =
          existsSync(candidate) && statSync(candidate).isDirectory()
            ? join(candidate, 'index.html')
            : candidate;
      }
    }
    if (file === null || !existsSync(file) || !statSync(file).isFile()) {
      requests.push({ path, status: 404 });
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    requests.push({ path, status: 200 });
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
