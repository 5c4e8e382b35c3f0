import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';

const PACKAGES = [
  '@pixsim/experiments',
  '@pixsim/regularizer',
  '@pixsim/similarity',
  '@pixsim/models',
  '@pixsim/datasets',
  '@pixsim/attacks',
  '@pixsim/backend',
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

/** The engine and thread count a run records. */
export interface EngineInfo {
  backend: string;
  threads: number;
}

/** The active TensorFlow.js engine (threads as `initBackend` reported them, else 1). */
export function currentEngine(threads?: number): EngineInfo {
  return { backend: tf.getBackend(), threads: threads ?? 1 };
}
