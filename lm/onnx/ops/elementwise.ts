// Elementwise ops with broadcasting, each followed by its gradient rule.

import { attr, type DType, type Tensor } from '../graph';
import { defineGradient } from '../gradient-registry';
import { broadcastShapes, unbroadcast } from './broadcast';

type Operand = Tensor | number;

function lift(ref: Tensor, x: Operand): Tensor {
  return typeof x === 'number' ? ref.graph.scalar(x, ref.dtype) : x;
}

function binary(op: string, a: Operand, b: Operand, dtype?: DType): Tensor {
  const ref = typeof a === 'number' ? (b as Tensor) : a;
  const x = lift(ref, a);
  const y = lift(ref, b);
  if (x.dtype !== y.dtype) throw new Error(`${op}: dtypes ${x.dtype} (${x.name}) and ${y.dtype} (${y.name}) differ`);
  const shape = broadcastShapes(x.shape, y.shape, op);
  return ref.graph.apply(op, [x, y], [{ dtype: dtype ?? x.dtype, shape }])[0];
}

function unary(op: string, x: Tensor): Tensor {
  return x.graph.apply(op, [x], [{ dtype: x.dtype, shape: x.shape }])[0];
}

export const add = (a: Operand, b: Operand): Tensor => binary('Add', a, b);
defineGradient('Add', ({ inputs: [a, b] }, [dy]) => [unbroadcast(dy!, a!.shape), unbroadcast(dy!, b!.shape)]);

export const sub = (a: Operand, b: Operand): Tensor => binary('Sub', a, b);
defineGradient('Sub', ({ inputs: [a, b] }, [dy]) => [unbroadcast(dy!, a!.shape), unbroadcast(neg(dy!), b!.shape)]);

export const mul = (a: Operand, b: Operand): Tensor => binary('Mul', a, b);
defineGradient('Mul', ({ inputs: [a, b] }, [dy]) => [unbroadcast(mul(dy!, b!), a!.shape), unbroadcast(mul(dy!, a!), b!.shape)]);

export const div = (a: Operand, b: Operand): Tensor => binary('Div', a, b);
defineGradient('Div', ({ inputs: [a, b], outputs: [y] }, [dy]) => [
  unbroadcast(div(dy!, b!), a!.shape),
  unbroadcast(neg(div(mul(dy!, y), b!)), b!.shape),
]);

/** x ** p for a constant p (the exponent is not differentiated). */
export function pow(x: Tensor, p: number): Tensor {
  return x.graph.apply('Pow', [x, x.graph.scalar(p)], [{ dtype: x.dtype, shape: x.shape }])[0];
}
defineGradient('Pow', ({ inputs: [x, p] }, [dy]) => {
  const value = x!.graph.constValue(p!);
  if (!value || value.length !== 1) throw new Error(`Pow: gradient needs a constant scalar exponent, got ${p!.name}`);
  const e = value[0];
  const slope = e === 2 ? mul(x!, 2) : mul(pow(x!, e - 1), e);
  return [mul(dy!, slope), undefined];
});

export const neg = (x: Tensor): Tensor => unary('Neg', x);
defineGradient('Neg', (_, [dy]) => [neg(dy!)]);

export const sqrt = (x: Tensor): Tensor => unary('Sqrt', x);
defineGradient('Sqrt', ({ outputs: [y] }, [dy]) => [div(dy!, mul(y, 2))]);

export const reciprocal = (x: Tensor): Tensor => unary('Reciprocal', x);
defineGradient('Reciprocal', ({ outputs: [y] }, [dy]) => [neg(mul(dy!, mul(y, y)))]);

export const exp = (x: Tensor): Tensor => unary('Exp', x);
defineGradient('Exp', ({ outputs: [y] }, [dy]) => [mul(dy!, y)]);

export const log = (x: Tensor): Tensor => unary('Log', x);
defineGradient('Log', ({ inputs: [x] }, [dy]) => [div(dy!, x!)]);

export const sigmoid = (x: Tensor): Tensor => unary('Sigmoid', x);
defineGradient('Sigmoid', ({ outputs: [y] }, [dy]) => [mul(dy!, mul(y, sub(1, y)))]);

/** log(1 + eˣ): binary cross-entropy from logits is softplus(z) − y·z, with no log of a rounded probability. */
export const softplus = (x: Tensor): Tensor => unary('Softplus', x);
defineGradient('Softplus', ({ inputs: [x] }, [dy]) => [mul(dy!, sigmoid(x!))]);

export const tanh = (x: Tensor): Tensor => unary('Tanh', x);
defineGradient('Tanh', ({ outputs: [y] }, [dy]) => [mul(dy!, sub(1, mul(y, y)))]);

export const cos = (x: Tensor): Tensor => unary('Cos', x);
defineGradient('Cos', ({ inputs: [x] }, [dy]) => [neg(mul(dy!, sin(x!)))]);

export const sin = (x: Tensor): Tensor => unary('Sin', x);
defineGradient('Sin', ({ inputs: [x] }, [dy]) => [mul(dy!, cos(x!))]);

export const identity = (x: Tensor): Tensor => unary('Identity', x);
defineGradient('Identity', (_, [dy]) => [dy]);

export function cast(x: Tensor, to: DType): Tensor {
  if (x.dtype === to) return x;
  return x.graph.apply('Cast', [x], [{ dtype: to, shape: x.shape }], { to: attr.int(onnxDType(to)) })[0];
}
defineGradient('Cast', ({ inputs: [x] }, [dy]) => [x!.dtype === 'float32' ? cast(dy!, 'float32') : undefined]);

/** cond ? a : b, broadcasting all three. */
export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  const dtype = typeof a !== 'number' ? a.dtype : typeof b !== 'number' ? b.dtype : 'float32';
  const x = typeof a === 'number' ? cond.graph.scalar(a, dtype) : a;
  const y = typeof b === 'number' ? cond.graph.scalar(b, dtype) : b;
  const shape = broadcastShapes(broadcastShapes(cond.shape, x.shape, 'Where'), y.shape, 'Where');
  return cond.graph.apply('Where', [cond, x, y], [{ dtype: x.dtype, shape }])[0];
}
defineGradient('Where', ({ inputs: [c, a, b] }, [dy]) => [
  undefined,
  unbroadcast(where(c!, dy!, 0), a!.shape),
  unbroadcast(where(c!, 0, dy!), b!.shape),
]);

/** Elementwise max(a, b). Ties send the gradient to a (PPO's two surrogates are equal whenever the ratio is unclipped). */
export const max = (a: Operand, b: Operand): Tensor => binary('Max', a, b);
defineGradient('Max', ({ inputs: [a, b] }, [dy]) => {
  const first = greaterOrEqual(a!, b!);
  return [unbroadcast(where(first, dy!, 0), a!.shape), unbroadcast(where(first, 0, dy!), b!.shape)];
});

/** x clamped to [lo, hi] (constant bounds); the gradient passes where lo ≤ x ≤ hi, as torch.clamp's. */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  if (!(lo <= hi)) throw new Error(`Clip of ${x.name}: bounds [${lo}, ${hi}] are empty`);
  const g = x.graph;
  return g.apply('Clip', [x, g.scalar(lo, x.dtype), g.scalar(hi, x.dtype)], [{ dtype: x.dtype, shape: x.shape }])[0];
}
defineGradient('Clip', ({ inputs: [x, lo, hi] }, [dy]) => [where(and(lessOrEqual(lo!, x!), lessOrEqual(x!, hi!)), dy!, 0), undefined, undefined]);

// Comparisons and integer arithmetic: masks, positions and hashes, never differentiated.
export const equal = (a: Operand, b: Operand): Tensor => binary('Equal', a, b, 'bool');
export const less = (a: Operand, b: Operand): Tensor => binary('Less', a, b, 'bool');
export const lessOrEqual = (a: Operand, b: Operand): Tensor => binary('LessOrEqual', a, b, 'bool');
export const greaterOrEqual = (a: Operand, b: Operand): Tensor => binary('GreaterOrEqual', a, b, 'bool');
export const and = (a: Tensor, b: Tensor): Tensor => binary('And', a, b, 'bool');
export const bitwiseXor = (a: Operand, b: Operand): Tensor => binary('BitwiseXor', a, b);

/** Unsigned shift right by a constant (uint32: with Mul wrapping mod 2^32, enough for hashing). */
export function shiftRight(x: Tensor, bits: number): Tensor {
  return x.graph.apply('BitShift', [x, x.graph.scalar(bits, x.dtype)], [{ dtype: x.dtype, shape: x.shape }], { direction: attr.string('RIGHT') })[0];
}

export function onnxDType(dtype: DType): number {
  const codes: Record<DType, number> = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, uint32: 12 };
  return codes[dtype];
}
