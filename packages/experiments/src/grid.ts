import { describeValue } from '@pixsim/core';
import { PACKAGE, InvalidOptionError, InvalidSpecError } from './errors';
import type { EpsilonGrid } from './spec';

/** numpy's `linspace(start, stop, num)`: `num` evenly spaced values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (
    typeof start !== 'number' ||
    typeof stop !== 'number' ||
    !Number.isFinite(start) ||
    !Number.isFinite(stop) ||
    !Number.isInteger(num) ||
    num < 1 ||
    num > 1_000_000
  ) {
    throw new InvalidOptionError(
      PACKAGE,
      `linspace: start and stop must be finite numbers and num an integer from 1 to 1,000,000, got ` +
        `${describeValue(start)}, ${describeValue(stop)}, ${describeValue(num)}; e.g. linspace(0, 0.5, 10).`,
      { option: 'linspace' },
    );
  }
  if (num === 1) return [start];
  // Computed as numpy does (start + i·step, last value exactly stop), rounded to 12 digits for stable JSON.
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : round12(start + i * step)));
}

function round12(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}

/**
 * The ε values of a grid, validated: a non-empty list of finite, non-negative, strictly increasing values
 * (at most `max`, e.g. 1 for salt-and-pepper probabilities).
 */
export function resolveGrid(field: string, grid: EpsilonGrid, max = Number.POSITIVE_INFINITY): number[] {
  let values: number[];
  if (Array.isArray(grid)) values = [...grid];
  else if (grid && typeof grid === 'object' && Array.isArray((grid as { linspace?: unknown }).linspace)) {
    const [start, stop, num] = (grid as unknown as { linspace: number[] }).linspace;
    if (![start, stop].every(Number.isFinite) || !Number.isInteger(num) || num < 1 || num > 1000) {
      throw new InvalidSpecError(
        field,
        grid,
        `${field}: linspace must be [start, stop, num] with finite start/stop and an integer num in [1, 1000], ` +
          `got ${JSON.stringify(grid)}; e.g. { "linspace": [0, 0.5, 10] }.`,
      );
    }
    values = linspace(start, stop, num);
  } else {
    throw new InvalidSpecError(
      field,
      grid,
      `${field}: an ε grid is a list of numbers or { "linspace": [start, stop, num] }, got ${JSON.stringify(grid)}.`,
    );
  }
  if (values.length === 0) {
    throw new InvalidSpecError(field, grid, `${field}: the ε grid is empty; give at least one ε (e.g. [0]).`);
  }
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
      throw new InvalidSpecError(
        field,
        grid,
        `${field}: ε[${i}] = ${JSON.stringify(v)} must be a finite number in [0, ${max}].`,
      );
    }
    if (i > 0 && !(v > values[i - 1])) {
      throw new InvalidSpecError(
        field,
        grid,
        `${field}: ε values must increase strictly, but ε[${i}] = ${v} follows ${values[i - 1]}; sort the grid and drop duplicates.`,
      );
    }
  });
  return values;
}
