import { PACKAGE, InvalidOptionError, UnknownEmitTargetError } from '../../errors';

/** What `pixsim sweep --emit` can write. */
export const EMIT_TARGETS = ['slurm', 'k8s'] as const;
/** One of {@link EMIT_TARGETS}. */
export type EmitTarget = (typeof EMIT_TARGETS)[number];

/** Checks `--emit`. */
export function parseEmitTarget(text: string): EmitTarget {
  if ((EMIT_TARGETS as readonly string[]).includes(text)) return text as EmitTarget;
  throw new UnknownEmitTargetError(text, EMIT_TARGETS);
}

/** Parses a positive integer option (`--cpus`, `--gpus`, `--max-parallel`). */
export function parsePositiveInt(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new InvalidOptionError(PACKAGE, `--${option}: '${text}' is not an integer ≥ 1.`, { option });
  return Number(text);
}

/** Checks `--mem` (Slurm style: `4G`, `500M`, `16000`). */
export function parseMemory(text: string): string {
  if (!/^\d+[KMGT]?$/i.test(text) || /^0+[KMGT]?$/i.test(text))
    throw new InvalidOptionError(PACKAGE, `--mem: '${text}' is not a memory size; write e.g. 4G or 500M.`, {
      option: 'mem',
    });
  return text.toUpperCase();
}

const TIME = /^(?:(\d+)-)?(\d+)(?::(\d{1,2}))?(?::(\d{1,2}))?$/;

/**
 * Seconds of a Slurm time limit: `minutes`, `minutes:seconds`, `hours:minutes:seconds`,
 * `days-hours`, `days-hours:minutes`, `days-hours:minutes:seconds`.
 */
export function timeLimitSeconds(text: string): number {
  const m = TIME.exec(text);
  if (!m) {
    throw new InvalidOptionError(
      PACKAGE,
      `--time: '${text}' is not a Slurm time limit; write e.g. 90, 02:00:00 or 1-12:00:00.`,
      { option: 'time' },
    );
  }
  const [days, a, b, c] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  if (days !== undefined) return days * 86400 + (a ?? 0) * 3600 + (b ?? 0) * 60 + (c ?? 0);
  if (c !== undefined) return a! * 3600 + b! * 60 + c;
  if (b !== undefined) return a! * 60 + b;
  return a! * 60;
}

/** Checks `--time`. */
export function parseTimeLimit(text: string): string {
  if (timeLimitSeconds(text) <= 0)
    throw new InvalidOptionError(PACKAGE, `--time: '${text}' is zero.`, { option: 'time' });
  return text;
}
