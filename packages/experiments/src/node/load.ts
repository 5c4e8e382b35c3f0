import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidSpecError, UnknownExperimentError, UnknownPresetError } from '../errors';
import { EXPERIMENTS, getExperiment } from '../experiments';
import { getPreset, PRESETS, type Preset, validatePreset } from '../presets';
import type { ExperimentSpec } from '../spec';
import { validateSpec } from '../validate';

async function readObject(path: string, what: string): Promise<unknown> {
  const ext = extname(path).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new InvalidSpecError(
        '',
        path,
        `${path}: not valid JSON (${(error as Error).message}); fix the ${what} file.`,
      );
    }
  }
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') {
    const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
    return mod.default;
  }
  throw new InvalidSpecError(
    '',
    path,
    `${path}: a ${what} file must be .json, or .js/.mjs exporting the object as default.`,
  );
}

/** A shipped experiment by id, or a user spec from a `.json` (or `.js`/`.mjs` default export) file, validated. */
export async function loadExperiment(nameOrPath: string): Promise<ExperimentSpec> {
  if (Object.hasOwn(EXPERIMENTS, nameOrPath)) return getExperiment(nameOrPath);
  if (existsSync(nameOrPath)) return validateSpec(await readObject(nameOrPath, 'spec'));
  throw new UnknownExperimentError(nameOrPath, Object.keys(EXPERIMENTS));
}

/** A shipped preset by name, or a user preset from a file, validated. */
export async function loadPreset(nameOrPath: string): Promise<Preset> {
  if (Object.hasOwn(PRESETS, nameOrPath)) return getPreset(nameOrPath);
  if (existsSync(nameOrPath)) return validatePreset(await readObject(nameOrPath, 'preset'));
  throw new UnknownPresetError(nameOrPath, Object.keys(PRESETS));
}
