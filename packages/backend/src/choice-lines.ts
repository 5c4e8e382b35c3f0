import { describeValue, isPlainObject } from '@pixsim/core';
import type { BackendAttempt, BackendChoice, BackendName } from './init-backend';
import { PACKAGE, InvalidOptionError } from './errors';
import { assertOptionalBoolean, assertOptionsObject } from './options';

/**
 * The one-line reason of a choice: the engine, how it was asked for, its threads (wasm), the adapter
 * (webgpu), and why each engine tried before it was skipped, in short phrases without file paths, e.g.
 * `wasm (auto, 2 threads): no tensorflow — @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node not
 * installed; no webgpu — no Vulkan loader (libvulkan.so.1) found`.
 */
export function choiceReason(
  backend: BackendName,
  how: string,
  threads: number,
  tried: BackendAttempt[],
): string {
  const chosen = tried[tried.length - 1];
  const head =
    backend === 'wasm'
      ? `${backend} (${how}, ${threads} thread${threads === 1 ? '' : 's'})`
      : `${backend} (${how})`;
  const own = backend === 'webgpu' || backend === 'tensorflow' ? ` ${ownDetail(chosen)}` : '';
  const skipped: string[] = [];
  const engines = [...new Set(tried.filter((a) => !a.ok).map((a) => a.backend))];
  for (const engine of engines) {
    const details = tried.filter((a) => !a.ok && a.backend === engine).map((a) => a.detail);
    // The chosen engine's own failures (the threaded wasm build) are said as they are.
    skipped.push(engine === backend ? details.join(', ') : `no ${engine} — ${joinMissing(details)}`);
  }
  return `${head}${own}${skipped.length > 0 ? `: ${skipped.join('; ')}` : ''}`;
}

function ownDetail(chosen: BackendAttempt): string {
  return chosen.backend === 'tensorflow' ? `on ${chosen.module}` : chosen.detail;
}

/** `a not installed, b not installed` → `a, b not installed`. */
function joinMissing(details: string[]): string {
  const suffix = ' not installed';
  if (details.length > 1 && details.every((d) => d.endsWith(suffix))) {
    return `${details.map((d) => d.slice(0, -suffix.length)).join(', ')}${suffix}`;
  }
  return details.join(', ');
}

/** One line per attempt: engine, package, outcome, then the raw error and the fix where there are. */
export function attemptLine(attempt: BackendAttempt): string {
  const mark = attempt.ok ? '✓' : '✗';
  const parts = [attempt.detail];
  // Native output (Dawn's warnings) spans lines: indented under the attempt.
  const error = attempt.error?.trim().replace(/\s*\n\s*/g, '\n      ');
  if (error !== undefined && error !== attempt.detail) parts.push(error);
  let line = `${mark} ${attempt.backend} (${attempt.module}): ${parts.join(' — ')}`;
  if (attempt.fix !== undefined) line += `${/[.!?]$/.test(line) ? '' : '.'} Fix: ${sentence(attempt.fix)}`;
  return line;
}

/** `text` ending with a full stop. */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Options of {@link describeBackendChoice}. */
export interface DescribeChoiceOptions {
  /** Also list every attempt with its raw error and fix, and the training kernels (default `false`). */
  verbose?: boolean;
}

/**
 * The lines `initBackend` logs for a choice: its one-line `reason`; with `verbose`, also one line per
 * engine tried (`✓`/`✗`, the package, the short reason, the raw error message and the fix) and the wasm
 * training kernels registered. For CLIs that log themselves (`initBackend(…, { log: false })`).
 *
 * @throws {InvalidOptionError} when `choice` is not an `initBackend` result, `options` not an object or
 * `verbose` not a boolean.
 * @example
 * ```ts
 * const choice = await initBackend('auto', { log: false });
 * for (const line of describeBackendChoice(choice, { verbose: true })) console.error(line);
 * ```
 */
export function describeBackendChoice(choice: BackendChoice, options: DescribeChoiceOptions = {}): string[] {
  const valid =
    isPlainObject(choice) &&
    typeof choice.reason === 'string' &&
    Array.isArray(choice.tried) &&
    choice.tried.every(isPlainObject) &&
    Array.isArray(choice.trainingKernels);
  if (!valid) {
    throw new InvalidOptionError(
      PACKAGE,
      `describeBackendChoice: choice must be what initBackend returned ({ reason, tried, trainingKernels, … }), got ${describeValue(choice)}.`,
      { option: 'choice' },
    );
  }
  assertOptionsObject('describeBackendChoice', options, '{ verbose: true }');
  assertOptionalBoolean('describeBackendChoice', 'verbose', options.verbose);
  if (!options.verbose) return [choice.reason];
  const lines = [choice.reason, ...choice.tried.map((attempt) => `  ${attemptLine(attempt)}`)];
  if (choice.trainingKernels.length > 0) {
    lines.push(`  wasm training kernels registered: ${choice.trainingKernels.join(', ')}`);
  }
  return lines;
}
