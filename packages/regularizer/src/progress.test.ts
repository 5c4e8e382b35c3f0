import { describe, expect, it } from 'vitest';
import { formatEpoch, ProgressBar } from './progress';

describe('ProgressBar', () => {
  it('redraws in place on a custom writer', () => {
    const out: string[] = [];
    const bar = new ProgressBar({ write: (s: string) => out.push(s) }, 4);
    bar.update('epoch 1/1', 2, 4, 'loss 1', true);
    bar.finish('epoch 1/1 done');
    expect(out[0]).toBe('\repoch 1/1 ██░░ 2/4 loss 1\u001b[K');
    expect(out[1]).toBe('\repoch 1/1 done\u001b[K\n');
  });

  it('prints only summary lines when process.stdout is not a TTY', () => {
    const stdout = process.stdout as typeof process.stdout & { isTTY?: boolean };
    const wasTTY = stdout.isTTY;
    const write = stdout.write;
    const out: string[] = [];
    stdout.isTTY = false;
    stdout.write = ((s: string) => out.push(s) > 0) as typeof stdout.write;
    try {
      const bar = new ProgressBar(stdout, 4);
      bar.update('epoch 1/1', 2, 4, 'loss 1', true);
      bar.finish('epoch 1/1 done');
    } finally {
      stdout.write = write;
      stdout.isTTY = wasTTY as boolean;
    }
    expect(out).toEqual(['epoch 1/1 done\n']);
  });
});

describe('consoleLines (progress where there is no terminal)', () => {
  it('prints only the epoch summaries, one console line each', async () => {
    const { consoleLines } = await import('./progress');
    const logged: string[] = [];
    const log = console.log;
    console.log = (line: string) => logged.push(line);
    try {
      const bar = new ProgressBar(consoleLines(), 4);
      bar.update('epoch 1/2', 2, 4, 'loss 1', true);
      bar.finish('epoch 1/2 done');
      bar.finish('epoch 2/2 done');
    } finally {
      console.log = log;
    }
    expect(logged).toEqual(['epoch 1/2 done', 'epoch 2/2 done']);
  });
});

describe('formatEpoch', () => {
  it('labels every figure: training L_task / L_sim / accuracy, validation L_task / accuracy, r, speed', () => {
    const line = formatEpoch(
      {
        epoch: 0,
        learningRate: 0.1,
        taskLoss: 2.30258,
        simLoss: 0.1444,
        simLossSteps: null,
        trainAccuracy: 0.1125,
        validationLoss: 10279.49021,
        validationAccuracy: 0.2,
        heldOutCorrelation: null,
        heldOutSimLoss: null,
        tapWeights: null,
        imagesPerSecond: 812.4,
        steps: 10,
      },
      2,
    );
    expect(line).toBe(
      'epoch 1/2 lr 0.100 | train L_task 2.3026 L_sim 0.144 acc 0.113 | val L_task 10279.4902 acc 0.200 | ' +
        'r(S^CNN,S^target) – | 812 img/s',
    );
  });
});
