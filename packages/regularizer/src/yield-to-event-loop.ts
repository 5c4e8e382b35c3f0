/**
 * Resolves after the event loop has run its pending tasks (timers, I/O, Node's signal handlers, a page's
 * messages), not just microtasks. A training loop that only awaits promises that are already resolved never
 * lets those run, so an `AbortSignal` aborted from a SIGINT or SIGTERM handler would be seen only at the next
 * real I/O (a checkpoint, the epoch end). `setImmediate` where it exists (Node); else a `MessageChannel`
 * message (browsers and workers: unlike `setTimeout(0)`, not clamped to 4 ms when nested); else `setTimeout`.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as unknown as {
    setImmediate?: (f: () => void) => unknown;
    MessageChannel?: new () => {
      port1: { onmessage: (() => void) | null; close(): void };
      port2: { postMessage(m: unknown): void; close(): void };
    };
  };
  return new Promise((resolve) => {
    if (typeof g.setImmediate === 'function') {
      g.setImmediate(resolve);
    } else if (typeof g.MessageChannel === 'function') {
      const channel = new g.MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        channel.port2.close();
        resolve();
      };
      channel.port2.postMessage(null);
    } else {
      setTimeout(resolve, 0);
    }
  });
}
