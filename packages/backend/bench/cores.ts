// Do this machine's cores scale SIMD work? `tsx bench/cores.ts [--rounds R] [--seconds S] [--kinds a,b]`
// runs one single-threaded workload in one process alone, then in two processes at once, R rounds
// (default 3), and prints the pair's combined throughput ÷ the lone process's (2.0: two independent cores;
// about 1.0–1.3 where the two logical CPUs are hyperthreads sharing one core's vector units). No threads
// inside a process, so nothing here depends on a thread pool. Workloads (`--kinds`, default all):
//   xnn-conv   tfjs-wasm (SIMD, one thread) forward 3×3 convolution, ResNet18 w = 16 layer, batch 64
//   our-fg     this package's generated SIMD filter gradient of the same layer (calling thread only)
//   js         a scalar JavaScript floating-point loop (no SIMD), the control
//   torch-conv PyTorch (native AVX-512, one thread) forward convolution of the same layer (python3-torch;
//              `PYTHON=/usr/bin/python3` where another python3 comes first on the PATH)
// Run it on a quiet machine: anything else running is counted against the pair.
import { spawn } from 'node:child_process';

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const SECONDS = Number(option('seconds', '4'));
const KINDS = ['xnn-conv', 'our-fg', 'js', 'torch-conv'] as const;
type Kind = (typeof KINDS)[number];

/** Runs `work` for `SECONDS` after a warm-up and returns calls per second. */
function rate(work: () => void): number {
  for (let i = 0; i < 3; i++) work();
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < SECONDS * 1000) {
    work();
    calls++;
  }
  return (calls * 1000) / (performance.now() - t0);
}

async function child(kind: Kind): Promise<number> {
  if (kind === 'js') {
    let acc = 0;
    return rate(() => {
      for (let i = 0; i < 2_000_000; i++) acc = acc * 0.999999 + Math.sqrt(i + acc);
    });
  }
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-wasm');
  const { registerWasmTrainingKernels } = await import('../src/wasm-training/register');
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  const x = tf.randomNormal([64, 32, 32, 16], 0, 1, 'float32', 1) as import('@tensorflow/tfjs-core').Tensor4D;
  const w = tf.randomNormal([3, 3, 16, 16], 0, 1, 'float32', 2) as import('@tensorflow/tfjs-core').Tensor4D;
  if (kind === 'xnn-conv') return rate(() => tf.conv2d(x, w, 1, 'same').dispose());
  const dy = tf.randomNormal([64, 32, 32, 16], 0, 1, 'float32', 3);
  return rate(() =>
    (
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 16, 16] },
        ) as import('@tensorflow/tfjs-core').Tensor
    ).dispose(),
  );
}

const TORCH = `
import time, torch, torch.nn.functional as F
torch.set_num_threads(1); torch.manual_seed(0)
x = torch.randn(64, 16, 32, 32); w = torch.randn(16, 16, 3, 3)
for _ in range(3): F.conv2d(x, w, padding=1)
t = time.perf_counter(); n = 0
while time.perf_counter() - t < ${SECONDS}: F.conv2d(x, w, padding=1); n += 1
print('RATE', n / (time.perf_counter() - t))
`;

/** Starts one child process of `kind`; resolves to its calls per second. */
function run(kind: Kind): Promise<number> {
  const [cmd, args] =
    kind === 'torch-conv'
      ? [process.env.PYTHON ?? 'python3', ['-c', TORCH]]
      : [
          process.execPath,
          [...process.execArgv, process.argv[1], '--child', kind, '--seconds', String(SECONDS)],
        ];
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args as string[], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const m = /RATE (\S+)/.exec(out);
      if (code !== 0 || m === null) reject(new Error(`${kind} failed (${code}): ${err.slice(-500)}`));
      else resolve(Number(m[1]));
    });
  });
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (argv.includes('--child')) {
  console.log('RATE', await child(option('child', 'js') as Kind));
} else {
  const rounds = Number(option('rounds', '3'));
  const kinds = option('kinds', KINDS.join(',')).split(',') as Kind[];
  console.log(
    `${SECONDS} s per process, ${rounds} rounds; pair ÷ alone = combined calls/s of two processes ÷ one`,
  );
  console.log('| workload | alone (calls/s) | pair (calls/s, each) | pair ÷ alone, per round | median |');
  console.log('| --- | ---: | ---: | --- | ---: |');
  for (const kind of kinds) {
    const alone: number[] = [];
    const pairs: number[][] = [];
    // Alternate which goes first: the first process of a round is often the slowest on this machine.
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 1) pairs.push(await Promise.all([run(kind), run(kind)]));
      alone.push(await run(kind));
      if (r % 2 === 0) pairs.push(await Promise.all([run(kind), run(kind)]));
    }
    const ratios = pairs.map((p, r) => (p[0] + p[1]) / alone[r]);
    console.log(
      `| ${kind} | ${median(alone).toFixed(1)} | ${pairs.map((p) => p.map((v) => v.toFixed(1)).join(' + ')).join('; ')} | ${ratios.map((v) => v.toFixed(2)).join(', ')} | ${median(ratios).toFixed(2)} |`,
    );
  }
}
