import * as tf from '@tensorflow/tfjs-core';
import { PACKAGE, BackendUnavailableError, InvalidOptionError, SyncReadUnsupportedError } from './errors';

/** The name {@link registerAsyncOnlyBackend} registers by default. */
export const ASYNC_ONLY_BACKEND = 'cpu-async-only';

/** The part of a tfjs backend that reads go through. */
interface Readable {
  readSync(dataId: object): unknown;
  read(dataId: object): Promise<unknown>;
}

/**
 * Registers a backend that is the `cpu` engine, except that a synchronous read from outside a kernel
 * (`dataSync()`, `arraySync()`, `bufferSync()`) throws {@link SyncReadUnsupportedError}, as every read of a
 * computed tensor does on the `webgpu` engine in Node. `await data()` works. For testing, on any machine,
 * that code runs where only asynchronous reads exist (stricter than `webgpu`, which still reads values
 * uploaded from JavaScript and not yet computed on synchronously). Same kernels, so the same numbers as `cpu`.
 * Idempotent; `@tensorflow/tfjs-backend-cpu` must be imported first.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-cpu';
 * await tf.setBackend(registerAsyncOnlyBackend());
 * await train({ ... }); // works: train() reads with await data()
 * ```
 * @returns the backend's name, to pass to `tf.setBackend`.
 * @throws {@link BackendUnavailableError} when the `cpu` backend is not registered.
 * @throws {@link InvalidOptionError} for a name that is not a non-empty string or is taken by another backend.
 */
export function registerAsyncOnlyBackend(name: string = ASYNC_ONLY_BACKEND): string {
  if (typeof name !== 'string' || name === '' || name === 'cpu') {
    throw new InvalidOptionError(
      PACKAGE,
      `registerAsyncOnlyBackend: name must be a non-empty string other than 'cpu', got ${JSON.stringify(name)}.`,
      { option: 'name' },
    );
  }
  if (registeredNames.has(name)) return name;
  if (tf.findBackendFactory(name)) {
    throw new InvalidOptionError(
      PACKAGE,
      `registerAsyncOnlyBackend: a backend named '${name}' is registered already; pass another name.`,
      { option: 'name' },
    );
  }
  const cpu = tf.findBackendFactory('cpu');
  if (!cpu) {
    throw new BackendUnavailableError(
      'cpu',
      "registerAsyncOnlyBackend: the cpu backend is not registered; import '@tensorflow/tfjs-backend-cpu' first.",
    );
  }
  tf.registerBackend(name, async () => {
    const backend = (await cpu()) as tf.KernelBackend;
    const target = backend as unknown as Readable;
    const readSync = target.readSync.bind(target);
    target.readSync = (dataId: object) => {
      // Kernels of the cpu engine read their inputs synchronously (as webgpu kernels read GPU buffers).
      if (tf.engine().state.kernelDepth === 0) {
        throw new SyncReadUnsupportedError(
          `dataSync()/arraySync() is refused on the '${name}' backend (a test stand-in for webgpu in Node, ` +
            'which has no synchronous readback); read with await tensor.data() / tensor.array().',
        );
      }
      return readSync(dataId);
    };
    target.read = async (dataId: object) => readSync(dataId);
    return backend;
  });
  for (const kernel of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...kernel, backendName: name });
  registeredNames.add(name);
  return name;
}

const registeredNames = new Set<string>();
