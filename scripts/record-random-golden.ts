// Records the draws of every seeded generator in packages/*/src as they are at 78718db (before #27 moves
// them into @pixsim/core), so that packages/core/src/random/golden.test.ts can prove the one generator
// reproduces each call site's stream bit for bit. Run once: `npx tsx scripts/record-random-golden.ts`.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { deriveSeed as attacksDeriveSeed, SeededRandom } from '../packages/attacks/src/random';
import { mulberry32 as backendMulberry32 } from '../packages/backend/src/testing/resnet';
import {
  createRandom,
  mixSeed,
  permutation as datasetsPermutation,
  randomInt,
} from '../packages/datasets/src/prng';
import {
  hashString,
  mixSeeds,
  mulberry32 as modelsMulberry32,
  uniformArray,
} from '../packages/models/src/prng';
import {
  deriveSeed as regDeriveSeed,
  mulberry32 as regMulberry32,
  permutation as regPermutation,
} from '../packages/regularizer/src/random';
import { prng as similarityPrng } from '../packages/similarity/src/__fixtures__/reference';

const FIRST = 16;
const LONG = 4096;

function digest(values: ArrayLike<number>): string {
  return createHash('sha256')
    .update(Buffer.from(Float64Array.from(values).buffer))
    .digest('hex');
}

/** The first 16 draws of `next` and the digest of its first 4096 (float64 bytes). */
function draws(next: () => number): { first: number[]; digest: string } {
  const all = Array.from({ length: LONG }, () => next());
  return { first: all.slice(0, FIRST), digest: digest(all) };
}

const seeds32 = [0, 1, 2, 3, 42, 1234, -1, -2147483648, 2147483647, 4294967295, 123456789, 0xe90c];
const mulberry = Object.fromEntries(
  (
    [
      ['regularizer', regMulberry32],
      ['models', modelsMulberry32],
      ['backend', backendMulberry32],
      ['similarity', similarityPrng],
    ] as const
  ).map(([name, f]) => [name, seeds32.map((seed) => ({ seed, ...draws(f(seed)) }))]),
);

const datasetSeeds = [0, 1, 2, 3, 42, 1234, -1, -7, 2 ** 32, 2 ** 40 + 12345, 2 ** 53 - 1];
const datasetStreams = [0, 1, 2, 3, 4, 5, 7, 8, 9, 0x7e61];
const datasets = {
  mixSeed: datasetSeeds.flatMap((seed) =>
    datasetStreams.map((stream) => ({ seed, stream, state: mixSeed(seed, stream) })),
  ),
  createRandom: [0, 1, 42, -7, 2 ** 40 + 12345].flatMap((seed) =>
    [0, 1, 2, 3, 4, 7, 8, 9].map((stream) => ({ seed, stream, ...draws(createRandom(seed, stream)) })),
  ),
  randomInt: [1, 2, 3, 10, 1000].map((n) => ({ n, ...draws(() => randomInt(createRandom(5, 3), n)) })),
  permutation: [0, 1, 2, 10, 100, 60000].flatMap((n) =>
    [0, 1, 42].map((seed) => {
      const p = datasetsPermutation(n, createRandom(seed, 3));
      return {
        n,
        seed,
        stream: 3,
        type: p.constructor.name,
        first: Array.from(p.subarray(0, FIRST)),
        digest: digest(p),
      };
    }),
  ),
};

const regSeeds = [0, 1, 2, 42, 1234, -1, -2147483648, 4294967295, 123];
const regStreams = [
  [],
  [0],
  [1],
  [-1],
  [2],
  [3, 0],
  [3, 7],
  [4],
  [0x9a1e, 0],
  [0x9a1e, 5],
  [0x401d],
  [0x9a15],
  [0x9a15, 1],
  [0xe90c, 3],
  [0xa06e, 2, 17],
  [0x7e61],
  [0x7e61, 1],
  [0xb0a7],
  [0xb0a7, 4],
];
const regularizer = {
  deriveSeed: regSeeds.flatMap((seed) =>
    regStreams.map((streams) => ({ seed, streams, value: regDeriveSeed(seed, ...streams) })),
  ),
  permutation: [0, 1, 2, 10, 100, 60000].flatMap((n) =>
    [0, 1, 42, regDeriveSeed(7, 0xe90c, 2)].map((seed) => {
      const p = regPermutation(n, seed);
      return {
        n,
        seed,
        type: p.constructor.name,
        first: Array.from(p.subarray(0, FIRST)),
        digest: digest(p),
      };
    }),
  ),
};

const names = [
  '',
  'a',
  'stem_conv/kernel',
  'stem_conv/kernel_1',
  'dense/bias',
  'conv2d_1/kernel',
  'ünïcode/ß',
];
const models = {
  hashString: names.map((text) => ({ text, value: hashString(text) })),
  mixSeeds: [0, 1, 42, -1, 4294967295].flatMap((a) =>
    [0, 1, hashString('stem_conv/kernel'), 4294967295].map((b) => ({ a, b, value: mixSeeds(a, b) })),
  ),
  uniformArray: [
    [16, 0.25, 0],
    [4096, 0.05, mixSeeds(7, hashString('x'))],
    [1000, 1, mixSeeds(42, hashString('dense/kernel'))],
  ].map(([size, bound, seed]) => {
    const v = uniformArray(size, bound, seed);
    return { size, bound, seed, first: Array.from(v.subarray(0, FIRST)), digest: digest(v) };
  }),
};

const attackSeeds = [
  0,
  1,
  42,
  -1,
  -(2 ** 31),
  2 ** 32 - 1,
  2 ** 32,
  2 ** 40 + 5,
  -(2 ** 40) - 3,
  2 ** 53 - 1,
];
const attackStreams = [[], [0], [1], [0, 5], [1, 5], [3, 2], [-1], [2 ** 32 + 1], [7, 0, 3]];
function mixed(rng: SeededRandom): number[] {
  // Interleaves uniform and normal draws, so the spare normal's hand-over is pinned too.
  const out: number[] = [];
  for (let i = 0; i < 64; i++) out.push(i % 3 === 0 ? rng.uniform() : rng.normal());
  return out;
}
const attacks = {
  deriveSeed: attackSeeds.flatMap((seed) =>
    attackStreams.map((streams) => ({ seed, streams, value: attacksDeriveSeed(seed, ...streams) })),
  ),
  nextUint32: attackSeeds.map((seed) => {
    const r = new SeededRandom(seed);
    return { seed, ...draws(() => r.nextUint32()) };
  }),
  uniform: [0, 42, 2 ** 40 + 5].map((seed) => {
    const r = new SeededRandom(seed);
    return { seed, ...draws(() => r.uniform()) };
  }),
  normal: [0, 42, 2 ** 40 + 5].map((seed) => {
    const r = new SeededRandom(seed);
    return { seed, ...draws(() => r.normal()) };
  }),
  mixed: [0, 42].map((seed) => ({ seed, values: mixed(new SeededRandom(seed)) })),
  fill: [0, 42].map((seed) => {
    const r = new SeededRandom(seed);
    const u = Array.from(r.fillUniform(new Float32Array(40), -0.1, 0.3, 5, 30));
    r.normal();
    const z = Array.from(r.fillNormal(new Float32Array(33), 2, 25));
    return { seed, uniform: u, normal: z };
  }),
};

const out = { recordedAt: '78718db', mulberry, datasets, regularizer, models, attacks };
writeFileSync(process.argv[2] ?? 'random-golden.json', `${JSON.stringify(out, null, 1)}\n`);
