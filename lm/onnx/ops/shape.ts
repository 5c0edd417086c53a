// Data-movement ops (no arithmetic) and their gradients, which move the gradient back.

import { attr, type Dim, type Tensor } from '../graph';
import { defineGradient } from '../gradient-registry';
import { unbroadcast } from './broadcast';

/** A dim known only when the graph runs: a 1-element int64 tensor and the symbol it stands for. */
export interface DynamicDim {
  value: Tensor;
  symbol: string;
}

export type ReshapeDim = number | DynamicDim;

/**
 * Reshape to `dims`: numbers follow ONNX (0 copies the input dim, -1 is inferred); dynamic
 * dims are concatenated into the shape input at run time.
 */
export function reshape(x: Tensor, dims: readonly ReshapeDim[]): Tensor {
  const g = x.graph;
  const shape: Dim[] = dims.map((d, i) => (typeof d === 'number' ? (d === 0 ? x.shape[i] : d) : d.symbol));
  const inferred = shape.indexOf(-1);
  if (inferred >= 0) {
    const known = shape.filter((_, i) => i !== inferred);
    const staticIn = x.shape.every((d) => typeof d === 'number');
    if (staticIn && known.every((d) => typeof d === 'number')) {
      shape[inferred] = x.size / (known as number[]).reduce((a, b) => a * b, 1);
    } else {
      shape[inferred] = `${x.name}_reshaped_${inferred}`;
    }
  }
  let shapeInput: Tensor;
  if (dims.every((d) => typeof d === 'number')) {
    shapeInput = g.ints(dims as number[]);
  } else {
    shapeInput = concat(
      dims.map((d) => (typeof d === 'number' ? g.ints([d]) : d.value)),
      0,
    );
  }
  return g.apply('Reshape', [x, shapeInput], [{ dtype: x.dtype, shape }])[0];
}
defineGradient('Reshape', ({ inputs: [x] }, [dy]) => [backToShape(dy!, x!), undefined]);

function backToShape(dy: Tensor, x: Tensor): Tensor {
  const dims = x.shape.map((d) => (typeof d === 'number' ? d : 0));
  if (x.shape.some((d) => typeof d !== 'number')) throw new Error(`gradient through ${x.name} needs a static shape`);
  return reshape(dy, dims);
}

export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const shape = perm.map((p) => x.shape[p]);
  return x.graph.apply('Transpose', [x], [{ dtype: x.dtype, shape }], { perm: attr.ints([...perm]) })[0];
}
defineGradient('Transpose', ({ attrs }, [dy]) => {
  const perm = (attrs.perm as { value: number[] }).value;
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return [transpose(dy!, inverse)];
});

export function unsqueeze(x: Tensor, axes: readonly number[]): Tensor {
  const rank = x.rank + axes.length;
  const ax = axes.map((a) => (a < 0 ? a + rank : a));
  const shape: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(ax.includes(i) ? 1 : x.shape[k++]);
  return x.graph.apply('Unsqueeze', [x, x.graph.ints(ax)], [{ dtype: x.dtype, shape }])[0];
}
defineGradient('Unsqueeze', ({ inputs: [x] }, [dy]) => [backToShape(dy!, x!), undefined]);

export function squeeze(x: Tensor, axes: readonly number[]): Tensor {
  const ax = axes.map((a) => (a < 0 ? a + x.rank : a));
  const shape = x.shape.filter((_, i) => !ax.includes(i));
  return x.graph.apply('Squeeze', [x, x.graph.ints(ax)], [{ dtype: x.dtype, shape }])[0];
}
defineGradient('Squeeze', ({ inputs: [x] }, [dy]) => [backToShape(dy!, x!), undefined]);

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  const first = xs[0];
  const ax = axis < 0 ? axis + first.rank : axis;
  const shape = [...first.shape];
  const parts = xs.map((x) => x.shape[ax]);
  shape[ax] = parts.every((d) => typeof d === 'number')
    ? (parts as number[]).reduce((a, b) => a + b, 0)
    : parts.join('+');
  return first.graph.apply('Concat', xs, [{ dtype: first.dtype, shape }], { axis: attr.int(ax) })[0];
}
defineGradient('Concat', ({ inputs, attrs }, [dy]) => {
  const axis = (attrs.axis as { value: number }).value;
  return split(dy!, inputs.map((x) => x!.staticShape[axis]), axis);
});

export function split(x: Tensor, sizes: readonly number[], axis: number): Tensor[] {
  const ax = axis < 0 ? axis + x.rank : axis;
  const outs = sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === ax ? s : d)) }));
  return x.graph.apply('Split', [x, x.graph.ints(sizes)], outs, { axis: attr.int(ax) });
}
defineGradient('Split', ({ inputs: [x], outputs, attrs }, dys) => {
  const axis = (attrs.axis as { value: number }).value;
  const parts = outputs.map((o, i) => dys[i] ?? zeros(x!.graph, o.staticShape));
  return [concat(parts, axis), undefined];
});

/** Split along `axis` into parts of run-time sizes (DynamicDims); inference graphs only (Split's gradient needs static sizes). */
export function splitDynamic(x: Tensor, sizes: readonly DynamicDim[], axis: number): Tensor[] {
  const ax = axis < 0 ? axis + x.rank : axis;
  const outs = sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === ax ? s.symbol : d)) }));
  return x.graph.apply('Split', [x, concat(sizes.map((s) => s.value), 0)], outs, { axis: attr.int(ax) });
}

/** x[starts:ends] along `axes`, step 1, static bounds. */
export function slice(x: Tensor, starts: readonly number[], ends: readonly number[], axes: readonly number[]): Tensor {
  const g = x.graph;
  const shape = [...x.shape];
  axes.forEach((a, i) => {
    const d = x.shape[a];
    if (typeof d !== 'number') throw new Error(`slice of ${x.name}: axis ${a} is symbolic`);
    const clamp = (v: number): number => Math.max(0, Math.min(d, v < 0 ? v + d : v));
    shape[a] = clamp(ends[i]) - clamp(starts[i]);
  });
  return g.apply('Slice', [x, g.ints(starts), g.ints(ends), g.ints(axes)], [{ dtype: x.dtype, shape }])[0];
}
defineGradient('Slice', ({ inputs: [x, starts, ends, axes] }, [dy]) => {
  const g = x!.graph;
  const shape = x!.staticShape;
  const [s, e, a] = [starts!, ends!, axes!].map((t) => g.constValue(t)!);
  const pads = new Array<number>(2 * shape.length).fill(0);
  a.forEach((axis, i) => {
    const d = shape[axis];
    const clamp = (v: number): number => Math.max(0, Math.min(d, v < 0 ? v + d : v));
    pads[axis] = clamp(s[i]);
    pads[shape.length + axis] = d - clamp(e[i]);
  });
  return [pad(dy!, pads), undefined, undefined, undefined];
});

/** Zero padding; `pads` = [begin of each axis..., end of each axis...]. */
export function pad(x: Tensor, pads: readonly number[]): Tensor {
  const shape = x.staticShape.map((d, i) => d + pads[i] + pads[x.rank + i]);
  return x.graph.apply('Pad', [x, x.graph.ints(pads)], [{ dtype: x.dtype, shape }])[0];
}

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return x.graph.apply('Expand', [x, x.graph.ints(shape)], [{ dtype: x.dtype, shape }])[0];
}
defineGradient('Expand', ({ inputs: [x] }, [dy]) => [unbroadcast(dy!, x!.shape), undefined]);

export function zeros(g: Tensor['graph'], shape: readonly number[]): Tensor {
  return expand(g.scalar(0), shape);
}

/** The runtime shape of x as a 1-D int64 tensor. */
export function shapeOf(x: Tensor, start?: number, end?: number): Tensor {
  const attrs: Record<string, ReturnType<typeof attr.int>> = {};
  if (start !== undefined) attrs.start = attr.int(start);
  if (end !== undefined) attrs.end = attr.int(end);
  const n = (end ?? x.rank) - (start ?? 0);
  return x.graph.apply('Shape', [x], [{ dtype: 'int64', shape: [n] }], attrs)[0];
}

/** One runtime dim of x, as a DynamicDim for reshape. */
export function dimOf(x: Tensor, axis: number): DynamicDim {
  const d = x.shape[axis];
  return { value: shapeOf(x, axis, axis + 1), symbol: String(d) };
}

/** [start, start + 1, ..., limit) as int64; start/limit are scalar int64 tensors. */
export function range(start: Tensor, limit: Tensor, length: Dim): Tensor {
  return start.graph.apply('Range', [start, limit, start.graph.scalar(1, 'int64')], [{ dtype: 'int64', shape: [length] }])[0];
}
