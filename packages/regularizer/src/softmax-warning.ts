import type * as tfl from '@tensorflow/tfjs-layers';
import type { TaskLoss } from './train-step';

/** Models already warned about, so that a training loop warns once, not every step. */
const warned = new WeakSet<tfl.LayersModel>();

/** Whether the layer that makes `model`'s (single) output ends in a softmax. */
export function endsInSoftmax(model: tfl.LayersModel): boolean {
  if (model.outputs.length !== 1) return false;
  const last = model.outputs[0].sourceLayer;
  if (last.getClassName() === 'Softmax') return true;
  const config = last.getConfig() as { activation?: unknown };
  return config.activation === 'softmax';
}

/**
 * Warns once per model (through `warn`, default `console.warn`) when the task loss expects logits but the
 * model's last layer is a softmax: the cross-entropy would then be taken of probabilities treated as
 * logits — it trains, but slowly and to a poor optimum, with no error to say why.
 */
export function warnIfSoftmaxLogits(
  fn: string,
  model: tfl.LayersModel,
  taskLoss: TaskLoss,
  warn: (message: string) => void = console.warn,
): void {
  if (taskLoss !== 'logits' || warned.has(model) || !endsInSoftmax(model)) return;
  warned.add(model);
  warn(
    `${fn}: the model's last layer ends in a softmax, but taskLoss is 'logits' (the default), so the ` +
      "cross-entropy treats probabilities as logits. Remove the softmax (output logits), or pass taskLoss: 'probabilities'.",
  );
}
