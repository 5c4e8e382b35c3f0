// A local HTTP server for download tests (127.0.0.1 only). Not part of the public API.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server saw and how to steer it. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** Files served, by name: `/<mode>/<name>`. */
  fixtures: Map<string, Buffer>;
  /** Every request: its path and Range header. */
  requests: { url: string; range: string | undefined }[];
  /** `/drop/` cuts the connection half-way through this many responses. */
  dropCount: number;
  /** Lets the responses held by `/gate/` go (and every later one). */
  openGate(): void;
  /** Closes the gate again for the next test. */
  closeGate(): void;
  close(): Promise<void>;
}

/**
 * Starts the server. Modes: `/files/` serves a fixture (with `Range` support); `/gate/` sends the headers
 * and the first 1,000 bytes, then holds the rest until `openGate()`; `/drop/` cuts the first `dropCount`
 * responses half-way; `/corrupt/` serves the fixture with one byte flipped.
 */
export async function startTestServer(): Promise<TestServer> {
  let gateOpen = false;
  let waiting: (() => void)[] = [];
  const state: TestServer = {
    base: '',
    fixtures: new Map(),
    requests: [],
    dropCount: 0,
    openGate() {
      gateOpen = true;
      for (const go of waiting) go();
      waiting = [];
    },
    closeGate() {
      gateOpen = false;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = http.createServer((req, res) => {
    state.requests.push({ url: req.url ?? '', range: req.headers.range });
    const [, mode, name] = (req.url ?? '').split('/');
    let body = state.fixtures.get(name);
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    if (mode === 'corrupt') {
      body = Buffer.from(body);
      body[body.length >> 1] ^= 0xff;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (range && start >= body.length) {
      res.writeHead(416).end();
      return;
    }
    const chunk = body.subarray(start);
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': chunk.length };
    if (range) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(range ? 206 : 200, headers);
    if (mode === 'gate') {
      res.write(chunk.subarray(0, 1000));
      const rest = () => res.end(chunk.subarray(1000));
      if (gateOpen) rest();
      else waiting.push(rest);
      return;
    }
    if (mode === 'drop' && state.dropCount > 0) {
      state.dropCount--;
      res.write(chunk.subarray(0, chunk.length >> 1), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(chunk);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
