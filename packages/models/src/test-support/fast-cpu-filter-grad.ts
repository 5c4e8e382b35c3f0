import * as tf from '@tensorflow/tfjs-core';

/**
 * TEST SUPPORT ONLY (not exported by the package). The stock `cpu` backend computes
 * `Conv2DBackpropFilter` (the weight gradient of a convolution) through `TensorBuffer.get` calls,
 * about 100× slower than the forward convolution, which makes even a width-4 ResNet18 take tens of
 * seconds per training step. The overfitting test swaps in this typed-array implementation (NHWC
 * only, checked against the stock kernel by the test) and restores the stock kernel afterwards.
 */
interface CpuBackendLike {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

const NAME = 'Conv2DBackpropFilter';

function filterGrad(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const x = args.inputs.x!;
  const dy = args.inputs.dy!;
  const backend = args.backend as CpuBackendLike;
  const attrs = args.attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const xs = backend.data.get(x.dataId).values;
  const dys = backend.data.get(dy.dataId).values;
  const dw = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight - top + wR;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth - left + wC;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const wOff = (wR * filterWidth + wC) * inChannels * outChannels;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const xv = xs[xOff + d1];
              if (xv === 0) continue;
              const row = wOff + d1 * outChannels;
              for (let d2 = 0; d2 < outChannels; d2++) dw[row + d2] += xv * dys[dyOff + d2];
            }
          }
        }
      }
    }
  }
  return backend.makeTensorInfo([...attrs.filterShape], 'float32', dw);
}

/** Registers the fast kernel on `cpu`; returns a function restoring the stock one. NHWC only. */
export function useFastCpuFilterGrad(): () => void {
  const stock = tf.getKernel(NAME, 'cpu');
  if (stock == null) throw new Error('no stock Conv2DBackpropFilter on cpu');
  const kernelFunc: tf.KernelFunc = (args) => {
    const format = (args.attrs as { dataFormat?: string } | undefined)?.dataFormat ?? 'NHWC';
    return format === 'NHWC' ? filterGrad(args) : (stock.kernelFunc(args) as tf.TensorInfo);
  };
  tf.unregisterKernel(NAME, 'cpu');
  tf.registerKernel({ kernelName: NAME, backendName: 'cpu', kernelFunc });
  return () => {
    tf.unregisterKernel(NAME, 'cpu');
    tf.registerKernel(stock);
  };
}
