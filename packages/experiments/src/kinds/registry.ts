import { InvalidSpecError } from '../errors';
import type { ScaleSpec } from '../spec';
import { oneOf } from '../spec-fields';
import { type BoundaryAttackSpec, boundaryKind } from './boundary';
import { type CorruptionsSpec, corruptionsKind } from './corruptions';
import { type CurveAttackSpec, curveKind } from './curve';
import { type HopSkipJumpSpec, hopSkipJumpKind } from './hop-skip-jump';
import type { AnyEvaluationKind, KindSpecContext } from './kind';
import { type SquareAttackSpec, squareKind } from './square';

/**
 * Every evaluation kind, in the order summaries, tables and figures list them. To add a kind: write its
 * file (an {@link EvaluationKind} with its spec, record and summary types) and register it here and in
 * {@link AttackSpec}.
 */
export const EVALUATION_KINDS: readonly AnyEvaluationKind[] = Object.freeze([
  curveKind,
  boundaryKind,
  squareKind,
  hopSkipJumpKind,
  corruptionsKind,
]);

/** One evaluation of an experiment: an entry of `evaluation.attacks`, one of the registered kinds. */
export type AttackSpec =
  | CurveAttackSpec
  | BoundaryAttackSpec
  | SquareAttackSpec
  | HopSkipJumpSpec
  | CorruptionsSpec;

/** An attack kind. */
export type AttackKind = AttackSpec['kind'];

/** Every attack kind a spec may name. */
export const ATTACK_KINDS: readonly AttackKind[] = Object.freeze(
  EVALUATION_KINDS.flatMap((k) => k.names as AttackKind[]),
);

/** The registered kind of `name` (an internal error if none: names are validated first). */
export function evaluationKind(name: string): AnyEvaluationKind {
  const kind = EVALUATION_KINDS.find((k) => k.names.includes(name));
  if (!kind) throw new Error(`no evaluation kind '${name}' is registered (internal error).`);
  return kind;
}

/** Checks one entry of `evaluation.attacks` (`field` names it) through its kind's `validate`. */
export function validateAttack(field: string, a: unknown, context: KindSpecContext): AttackSpec {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) {
    throw new InvalidSpecError(
      field,
      a,
      `${field}: an attack is an object { kind, … }, got ${JSON.stringify(a)}.`,
    );
  }
  const o = a as Record<string, unknown>;
  const kind = oneOf(`${field}.kind`, o.kind, ATTACK_KINDS);
  return evaluationKind(kind).validate(field, o, context) as AttackSpec;
}

/** The optional scale fields some kind reads (present in a spec exactly when such a kind is). */
export const OPTIONAL_SCALE_KEYS = [
  'blackBoxImages',
  'blackBoxQueries',
  'corruptionImages',
] as const satisfies readonly (keyof ScaleSpec)[];

/** The scale fields the kinds of `attacks` read. */
export function scaleKeysOf(attacks: readonly AttackSpec[]): Set<keyof ScaleSpec> {
  return new Set(attacks.flatMap((a) => evaluationKind(a.kind).scaleKeys as (keyof ScaleSpec)[]));
}
