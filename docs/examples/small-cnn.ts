// The small CNN of the guide "Use it in your own model" (docs/guides/own-model.md).
import * as tfl from '@tensorflow/tfjs-layers';

// #region model
/**
 * A small functional CNN for 28×28×1 images, outputting logits. Every layer has a fixed name: the
 * regularizer taps layers by name (and checkpoints restore by name). `seed` makes its initial weights
 * reproducible.
 */
export function smallCnn(seed: number): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed * 10 + k });
  const input = tfl.input({ shape: [28, 28, 1] });
  const conv = (filters: number, name: string, k: number) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      name,
      kernelInitializer: init(k),
    });
  let x = conv(16, 'conv1', 1).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x) as tfl.SymbolicTensor;
  x = conv(32, 'conv2', 2).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: 10, name: 'logits', kernelInitializer: init(3) }).apply(x);
  return tfl.model({ inputs: input, outputs: logits as tfl.SymbolicTensor });
}
// #endregion model
