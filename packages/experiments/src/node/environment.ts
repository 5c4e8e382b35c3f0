import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

const PACKAGES = [
  '@pixsim/experiments',
  '@pixsim/regularizer',
  '@pixsim/similarity',
  '@pixsim/models',
  '@pixsim/datasets',
  '@pixsim/attacks',
  '@pixsim/backend',
  '@pixsim/onnx',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
];

/** Versions of the pixsim and TensorFlow.js packages this process runs (`'?'` where unreadable). */
export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    try {
      const path =
        name === '@pixsim/experiments' ? ownPackageJson() : require.resolve(`${name}/package.json`);
      out[name] = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = '?';
    }
  }
  return out;
}

function ownPackageJson(): string {
  // dist/*.js and src/node/*.ts both sit below the package folder.
  for (const rel of ['../package.json', '../../package.json']) {
    const url = new URL(rel, import.meta.url);
    try {
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { name?: string };
      if (pkg.name === '@pixsim/experiments') return url.pathname;
    } catch {
      // try the next candidate
    }
  }
  throw new Error('package.json of @pixsim/experiments not found');
}

/**
 * The commit of the source pixsim runs from: `git rev-parse HEAD` in this package's folder when that folder is
 * part of a git checkout (the repository), else null, as for an installed package (inside `node_modules`,
 * which may well sit in another project's checkout).
 */
export function sourceCommit(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  if (here.split(/[\\/]/).includes('node_modules')) return null;
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: here,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : null;
  } catch {
    return null;
  }
}

/** The engine and thread count a run records. */
export interface EngineInfo {
  backend: string;
  threads: number;
}

/** The active TensorFlow.js engine (threads as `initBackend` reported them, else 1). */
export function currentEngine(threads?: number): EngineInfo {
  return { backend: tf.getBackend(), threads: threads ?? 1 };
}
