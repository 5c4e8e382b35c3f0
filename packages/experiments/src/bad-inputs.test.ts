import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { checkSubjects, type Subject } from '../../../test-support/bad-inputs';
import { aggregate, summaryToCsv } from './aggregate';
import { ExperimentsError } from './errors';
import { EXPERIMENTS, getExperiment, paperScale } from './experiments';
import { figureSpec } from './figure';
import { linspace, resolveGrid } from './grid';
import { parseSeed, parseSeeds } from './node/seeds';
import { getPreset, PRESETS, validatePreset } from './presets';
import { describeReductions, resolveExperiment } from './resolve';
import type { CellResult } from './result';
import { meanSem, median } from './stats';
import { summaryTables } from './table';
import { validateSpec } from './validate';

/** The committed results of fig2a at the quick preset: real cells and their summary, read back as JSON. */
const results = (file: string) =>
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL(`../../../docs/results/fig2a/quick/${file}`, import.meta.url)),
      'utf8',
    ),
  );
const cells = (): CellResult[] => [results('seed-1/result.json'), results('seed-2/result.json')];
const summary = () => results('summary.json');

/** fig2a with one field replaced (dotted path), for specs wrong in one place. */
function fig2aWith(path: string, value: unknown): unknown {
  const spec = structuredClone(EXPERIMENTS.fig2a) as unknown as Record<string, Record<string, unknown>>;
  const [a, b] = path.split('.');
  if (b === undefined) (spec as Record<string, unknown>)[a] = value;
  else spec[a][b] = value;
  return spec;
}
const preset = (patch: Record<string, unknown>) => ({ ...structuredClone(PRESETS.smoke), ...patch });

const badSpecs = [
  () => fig2aWith('format', 'pixsim-spec-0'),
  () => fig2aWith('regularization.alpha', -1),
  () => fig2aWith('regularization.alpha', Number.NaN),
  () => fig2aWith('task', 'imagenet'),
  () => fig2aWith('scale.epochs', 0),
  () => fig2aWith('scale.epochs', 2.5),
  () => fig2aWith('attacks', []),
  () => fig2aWith('attacks', [{ kind: 'laser', epsilons: [0.1] }]),
  () => fig2aWith('attacks', [{ kind: 'gaussian-noise', epsilons: [0.2, 0.1] }]),
  () => fig2aWith('attacks', [{ kind: 'gaussian-noise', epsilons: { linspace: [0, 1, 1e9] } }]),
  () => fig2aWith('id', ''),
];
const badPresets = [
  () => preset({ seeds: [] }),
  () => preset({ seeds: [1.5] }),
  () => preset({ seeds: [-1] }),
  () => preset({ scale: { epochs: 0 } }),
  () => preset({ scale: { learningRate: 0.1 } }),
  () => preset({ byTask: { imagenet: {} } }),
  () => preset({ name: 42 }),
];
const badCells = [
  () => [],
  () => [{ ...cells()[0], format: 'pixsim-result-0' }],
  () => [cells()[0], cells()[0]],
  () => [cells()[0], { ...cells()[1], specHash: 'other' }],
  () => [{ ...cells()[0], curves: 'none' }],
];
const badSummaries = [
  () => ({ ...summary(), format: 'pixsim-summary-0' }),
  () => ({ ...summary(), curves: null }),
  () => ({ ...summary(), boundary: 'none' }),
];

/** Every public function of @pixsim/experiments that takes data (the CLI has its own suite). */
const subjects: Subject[] = [
  {
    name: 'validateSpec',
    args: () => [structuredClone(EXPERIMENTS.fig2a)],
    call: (s) => validateSpec(s).id,
    bad: { 0: badSpecs },
  },
  {
    name: 'validatePreset',
    args: () => [preset({})],
    call: (p) => validatePreset(p).name,
    bad: { 0: badPresets },
  },
  {
    name: 'getExperiment',
    args: () => ['fig2a'],
    call: (id) => getExperiment(id as string).id,
    bad: { 0: [() => 'fig9', () => 'constructor', () => '__proto__', () => 'toString'] },
  },
  {
    name: 'getPreset',
    args: () => ['smoke'],
    call: (n) => getPreset(n as string).name,
    bad: { 0: [() => 'laptop', () => 'constructor', () => 'hasOwnProperty'] },
  },
  {
    name: 'resolveExperiment',
    args: () => [structuredClone(EXPERIMENTS.fig2a), preset({})],
    call: (s, p) => resolveExperiment(s as never, p as never).preset.name,
    bad: { 0: badSpecs, 1: badPresets },
  },
  {
    name: 'describeReductions',
    args: () => [structuredClone(EXPERIMENTS.fig2a)],
    call: (s) => describeReductions(s as never),
    bad: { 0: badSpecs },
  },
  {
    name: 'paperScale',
    args: () => ['mnist'],
    call: (t) => paperScale(t as never),
    bad: { 0: [() => 'imagenet'] },
  },
  {
    name: 'resolveGrid',
    args: () => ['eps', { linspace: [0, 0.5, 3] }, 1],
    call: (f, g, m) => resolveGrid(f as string, g as never, m as number),
    bad: {
      1: [() => [0.3, 0.1], () => [-0.1], () => ({ linspace: [0, 1, 0] }), () => [0, 2]],
      2: [() => 0.1, () => Number.NaN],
    },
  },
  {
    name: 'linspace',
    args: () => [0, 0.5, 3],
    call: (a, b, n) => linspace(a as number, b as number, n as number),
    bad: { 2: [() => 2.5, () => Number.POSITIVE_INFINITY, () => 0, () => 1e9] },
  },
  {
    name: 'meanSem',
    args: () => [[0.5, 0.7]],
    call: (v) => meanSem(v as number[]),
    bad: { 0: [() => [Number.NaN, 1], () => ['0.5']] },
  },
  {
    name: 'median',
    args: () => [[0.5, 0.7, 0.1]],
    call: (v) => median(v as number[]),
    bad: { 0: [() => [1, Number.POSITIVE_INFINITY]] },
  },
  {
    name: 'aggregate',
    args: () => [cells()],
    call: (c) => aggregate(c as CellResult[]).seeds,
    bad: { 0: badCells },
  },
  {
    name: 'summaryToCsv',
    args: () => [summary()],
    call: (s) => summaryToCsv(s as never).length,
    bad: { 0: badSummaries },
  },
  {
    name: 'summaryTables',
    args: () => [summary()],
    call: (s) => summaryTables(s as never).length,
    bad: { 0: badSummaries },
  },
  {
    name: 'figureSpec',
    args: () => [summary()],
    call: (s) => Object.keys(figureSpec(s as never)),
    bad: { 0: badSummaries },
  },
  {
    name: 'parseSeeds',
    args: () => ['1-3,7'],
    call: (t) => parseSeeds(t as string),
    bad: { 0: [() => '3-1', () => '1-5000', () => 'x', () => '1,,2', () => '-1', () => '1.5'] },
  },
  {
    name: 'parseSeed',
    args: () => ['4'],
    call: (t) => parseSeed(t as string),
    bad: { 0: [() => 'x', () => '-1', () => '1.5', () => '', () => '99999999999999999999'] },
  },
];

describe('every public function of @pixsim/experiments, on generated bad inputs', () => {
  it('throws a typed ExperimentsError naming the fix, or returns a finite result', async () => {
    await checkSubjects(subjects, ExperimentsError.is, { numRuns: 50 });
  });
});
