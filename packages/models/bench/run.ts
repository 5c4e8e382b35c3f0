/**
 * Forward-pass throughput of the paper's ResNet18 (cifar variant, grey 32×32 input, 10 classes) for
 * widths w = 8, 16, 64 on the stock `cpu` and `wasm` backends. Prints the median images/s over
 * several timed batches (after one warm-up batch).
 *
 * Usage: `pnpm bench` (or `tsx bench/run.ts [reps]`).
 */
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { resnet18 } from '../src/index';

const reps = Number(process.argv[2] ?? 5);
const widths = [8, 16, 64];
const backends = ['cpu', 'wasm'];
/** Batch per width: enough work per timing on the slowest backend, short enough for a 2-core box. */
const batchOf: Record<number, number> = { 8: 32, 16: 16, 64: 4 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function main() {
  const rows: Array<{ backend: string; width: number; batch: number; ips: number; ms: number }> = [];
  for (const backend of backends) {
    if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
    await tf.ready();
    if (backend === 'wasm') console.log(`wasm threads: ${getThreadsCount()}`);
    for (const width of widths) {
      const batch = batchOf[width];
      const model = resnet18({ inputShape: [32, 32, 1], classes: 10, width, seed: 0 });
      const x = tf.randomUniform([batch, 32, 32, 1], -2.5, 2.5, 'float32', 1);
      const run = async () => {
        const t0 = performance.now();
        const y = model.predict(x) as tf.Tensor;
        await y.data();
        y.dispose();
        return performance.now() - t0;
      };
      await run(); // warm-up: kernel compilation, allocation
      const times: number[] = [];
      for (let r = 0; r < reps; r++) times.push(await run());
      const ms = median(times);
      rows.push({ backend, width, batch, ms, ips: (batch * 1000) / ms });
      console.log(
        `${backend.padEnd(5)} w=${String(width).padEnd(3)} batch ${String(batch).padEnd(3)} ` +
          `median ${ms.toFixed(0).padStart(6)} ms/batch  ${((batch * 1000) / ms).toFixed(1).padStart(7)} images/s`,
      );
      x.dispose();
      model.dispose();
    }
  }
  console.log(`\nResNet18 forward, 32×32×1, 10 classes, median of ${reps} batches (images/s):`);
  console.log('| w | cpu | wasm | wasm/cpu |\n|---|---|---|---|');
  for (const width of widths) {
    const cpu = rows.find((r) => r.backend === 'cpu' && r.width === width)!;
    const wasm = rows.find((r) => r.backend === 'wasm' && r.width === width)!;
    console.log(
      `| ${width} | ${cpu.ips.toFixed(1)} | ${wasm.ips.toFixed(1)} | ${(wasm.ips / cpu.ips).toFixed(1)}× |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
