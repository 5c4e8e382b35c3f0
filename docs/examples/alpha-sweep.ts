// The measurements behind "Choosing α" in docs/guides/own-model.md: the small CNN of small-cnn.ts on the
// data of own-model.ts (5,000 MNIST training digits, N = 500 regularization digits, Th = 0.2), 3 epochs,
// for several (α, learning rate), one seed; clean and Gaussian-noise accuracy on 1,000 test digits.
//   npx -y pnpm@10 --filter @pixsim/docs run example:alpha-sweep
import { createClassifier, gaussianNoiseAttack, robustnessCurve } from '@pixsim/attacks';
import { initBackend } from '@pixsim/backend/node';
import { mnist } from '@pixsim/datasets';
import { SimilarityRegularizer, thresholdedPixelTargets, train } from '@pixsim/regularizer';
import { smallCnn } from './small-cnn';

await initBackend('auto', { wasmThreads: 'auto', log: false });
const { train: mnistTrain, test: mnistTest } = await mnist();
const trainSet = mnistTrain.subset(5000, 1);
const testSet = mnistTest.subset(1000, 2);
const regSet = mnistTrain.subset(500, 3);
const targets = thresholdedPixelTargets(regSet, { th: 0.2 });
const images = testSet.toTensor(undefined, { scale: 'unit' });
const epsilons = [0, 0.3, 0.5];

const configs: [number, number][] = process.argv.slice(2).length
  ? process.argv.slice(2).map((s) => s.split(',').map(Number) as [number, number])
  : [
      [0, 0.1],
      [4, 0.1],
      [0.1, 0.1],
      [0, 0.01],
      [4, 0.01],
      [0.1, 0.01],
    ];
console.log(
  '| α | lr | validation accuracy per epoch | L_sim (last epoch) | held-out correlation | test ε = 0 | ε = 0.3 | ε = 0.5 |',
);
console.log('| ---: | ---: | --- | ---: | --- | ---: | ---: | ---: |');
for (const [alpha, lr] of configs) {
  const model = smallCnn(1);
  const regularizer = new SimilarityRegularizer({ model, taps: ['conv1', 'conv2'] });
  const result = await train({
    model,
    regularizer,
    train: trainSet,
    regularization: { images: regSet, targets },
    alpha,
    epochs: 3,
    seed: 1,
    learningRate: lr,
    restoreBest: true,
    progress: false,
  });
  const curve = robustnessCurve(
    createClassifier(model, { bounds: [0, 1] }),
    { images, labels: testSet.labels },
    gaussianNoiseAttack(),
    epsilons,
    { seed: 1 },
  );
  const last = result.history.at(-1)!;
  const pct = (x: number | null) => (x == null ? '—' : `${(100 * x).toFixed(1)} %`);
  console.log(
    `| ${alpha} | ${lr} | ${result.history.map((h) => pct(h.validationAccuracy)).join(', ')} | ` +
      `${last.simLoss?.toFixed(1) ?? '—'} | ${result.initialHeldOutCorrelation?.toFixed(3)} → ` +
      `${last.heldOutCorrelation?.toFixed(3)} | ${curve.accuracy.map((a) => pct(a.mean)).join(' | ')} |`,
  );
  regularizer.dispose();
  model.dispose();
}
images.dispose();
