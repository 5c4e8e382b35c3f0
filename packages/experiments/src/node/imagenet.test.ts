import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageFolder } from '@pixsim/datasets';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithData } from '../../../../test-support/real-data';
import { DataNotFoundError } from '../errors';
import { getExperiment, getPreset } from '../index';
import { resolveExperiment } from '../resolve';
import type { TaskData } from './data';
import { loadRegularizationData } from './data';
import { imagenetProvenance } from './imagenet';
import { writeJson } from './files';
import { finishedResult, specHashOf } from './spec-hash';

const work = mkdtempSync(join(tmpdir(), 'pixsim-imagenet-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const fig2b = resolveExperiment(getExperiment('fig2b'), getPreset('smoke'));
/** ImageNet regularization reads no task data. */
const noTask = null as unknown as TaskData;
const sha = (bytes: ArrayBufferView) =>
  createHash('sha256')
    .update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest('hex')
    .slice(0, 16);

describe('ImageNet provenance (part of the spec hash)', () => {
  it("names the source; an --imagenet folder read with 'spread' instead of 'first' is another provenance", () => {
    expect(imagenetProvenance({ kind: 'sample', dir: '/x' }, 'first')).toBe('imagenet-sample-1000');
    expect(imagenetProvenance({ kind: 'stand-in', dir: '/x' }, 'first')).toBe('tiny-imagenet-5k-stand-in');
    expect(imagenetProvenance(null, 'first')).toBe('tiny-imagenet-5k-stand-in');
    expect(imagenetProvenance({ kind: 'folder', dir: '/x' }, 'first')).toBe('imagenet-folder-spread');
    expect(imagenetProvenance({ kind: 'folder', dir: '/x' }, 'random')).toBe('imagenet-folder');
  });

  it('the stand-in keeps the spec hash it had before the ImageNet sample was used', () => {
    // Computed by the code before this change (fig2b at the smoke preset, Tiny-ImageNet stand-in).
    expect(specHashOf(fig2b, { imagenetSample: false })).toBe('f2e862f5a304333d');
  });

  it('the paper preset takes no substitute for ImageNet: without --imagenet it is a DataNotFoundError', async () => {
    const paper = resolveExperiment(getExperiment('fig2b'), getPreset('paper'));
    await expect(
      loadRegularizationData(paper.spec, 1, { imagenetStandIn: false, workDir: work }, noTask),
    ).rejects.toSatisfy((e) => DataNotFoundError.is(e) && /--imagenet/.test((e as Error).message));
  });
});

describeWithData(['imagenet-sample'], 'ImageNet sample as the regularization images', ([SAMPLE]) => {
  const load = (experiment = fig2b, seed = 1, extra = {}) =>
    loadRegularizationData(experiment.spec, seed, { imagenetStandIn: true, workDir: work, ...extra }, noTask);

  it("fig2b at the smoke preset: N = 48 sample photos, 'first' spread over 48 classes, the reference's 36×64 transform", async () => {
    const reg = await load();
    expect(reg.images.shape).toEqual([48, 36, 64, 1]);
    expect(new Set(reg.images.labels).size).toBe(48);
    expect(reg).toMatchObject({
      source: 'imagenet-sample-1000',
      standIn: false,
      provenance: 'imagenet-sample-1000',
    });
    expect(reg.reductions).toEqual([]);
    expect(reg.notes.join(' ')).toMatch(/48 of the 927 real ImageNet photos .*spread over the classes/);
    // Spread, not the first 48 classes of the class-sorted folder; another seed, other classes.
    const classes = new Set(Array.from(reg.images.labels, (y) => reg.images.classNames[y]));
    const sorted = readdirSync(SAMPLE).sort();
    expect(classes).not.toEqual(new Set(sorted.slice(0, 48)));
    const other = await load(fig2b, 2);
    expect(new Set(Array.from(other.images.labels, (y) => other.images.classNames[y]))).not.toEqual(classes);
    // The reference's transform of the stored 144×256 crop: every 4th row and column.
    const wnid = reg.images.classNames[reg.images.labels[0]];
    const one = join(work, 'one-class');
    mkdirSync(join(one, wnid), { recursive: true });
    for (const f of readdirSync(join(SAMPLE, wnid))) symlinkSync(join(SAMPLE, wnid, f), join(one, wnid, f));
    const full = await imageFolder(one, { grey: true });
    const at = 0;
    const [, h, w] = full.shape;
    const expected = new Uint8Array(36 * 64);
    for (let r = 0; r < 36; r++)
      for (let c = 0; c < 64; c++) expected[r * 64 + c] = full.images[at * h * w + r * 4 * w + c * 4];
    expect(h).toBe(144);
    expect(reg.images.images.subarray(0, 36 * 64)).toEqual(expected);
  });

  it('N larger than the sample (quick preset: 1,000) is capped at 927, and the reductions say so', async () => {
    const quick = resolveExperiment(getExperiment('fig3a'), getPreset('quick'));
    const reg = await load(quick);
    expect(reg.images.shape).toEqual([927, 36, 64, 1]);
    expect(new Set(reg.images.labels).size).toBe(927);
    expect(reg.reductions).toEqual([
      "regularization images N 927 instead of the preset's 1,000: the ImageNet sample holds 927",
    ]);
  });

  it('the sample, the stand-in and an --imagenet folder are three spec hashes', async () => {
    const hashes = [{}, { imagenetSample: false }, { imagenetDir: SAMPLE }].map((o) => specHashOf(fig2b, o));
    expect(new Set(hashes).size).toBe(3);
    // A finished stand-in cell is not this run's cell: the error says how to continue the stand-in cells.
    const dir = join(work, 'fig2b-cell');
    writeJson(join(dir, 'result.json'), {
      specHash: hashes[1],
      spec: fig2b.spec,
      data: { regularization: { dataset: 'imagenet', standIn: true } },
    });
    expect(() => finishedResult(dir, fig2b, {})).toThrow(/--no-imagenet-sample/);
    expect(finishedResult(dir, fig2b, { imagenetSample: false })).toMatchObject({ specHash: hashes[1] });
    const folder = await load(fig2b, 1, { imagenetDir: SAMPLE });
    expect(folder).toMatchObject({ provenance: 'imagenet-folder-spread', source: SAMPLE });
    expect(new Set(folder.images.labels).size).toBe(48);
  });
});

describeWithData(['tiny-imagenet'], 'Tiny-ImageNet stand-in (no ImageNet sample)', () => {
  it('reads the same images in the same order as before the sample was used; notes name the folder, not a path', async () => {
    const reg = await loadRegularizationData(
      fig2b.spec,
      1,
      { imagenetStandIn: true, imagenetSample: false, workDir: work },
      noTask,
    );
    expect(reg.images.shape).toEqual([48, 36, 64, 1]);
    // Pixel and label hashes of what the code before this change loaded.
    expect([sha(reg.images.images), sha(reg.images.labels)]).toEqual([
      '8499184eacc79f75',
      '9187ceaeac3442e9',
    ]);
    expect(reg).toMatchObject({
      standIn: true,
      provenance: 'tiny-imagenet-5k-stand-in',
      source: 'tiny-imagenet-5k',
    });
    expect(reg.notes).toEqual([
      'ImageNet stand-in: regularization images are Tiny-ImageNet (64×64, tiny-imagenet-5k), grey, centre crop 36×64 — not ImageNet.',
    ]);
  });
});
