// Worked solutions of a+b*c+d-e*f, the responses the tiny model learns to write: the products
// and sums, the difference taken one place at a time, then "Answer: <n>". Steps are sometimes
// wrong on purpose (a product off by one entry of the times table, a sum or difference off by a
// carry or borrow), and later steps use the wrong value consistently, so the
// corpus teaches plausible, diverse, independent mistakes: the kind majority voting can fix.
import { arithmeticExpression, type ArithmeticValues } from '../data/tasks/arithmetic';
import type { DrawRng } from '../data/draw-rng';

/** The orders in which a solution may proceed; agents trained on different mixes differ in style. */
export const SOLUTION_STYLES = ['products-first', 'sums-first', 'left-to-right'] as const;
export type SolutionStyle = (typeof SOLUTION_STYLES)[number];

export interface WorkedSolution {
  style: SolutionStyle;
  /** "3+4*5+6-7*8: 4*5=20 7*8=56 3+20=23 23+6=29 29-56=-(56-29) 56-20=36 36-9=27" */
  steps: string;
  /** What the steps arrive at (the true result unless a step slipped). */
  result: number;
  /** Number of wrong steps. */
  slips: number;
}

/** A step's value, wrong with probability `slipRate` by one of the (non-zero) `slips` sizes. */
type Step = (exact: number, slips: number[]) => number;

/** Sums slip by a unit or a carry. */
const SUM_SLIPS = [1, 2, 10];
/** Products slip to a neighbouring entry of the times table (7*8 -> 49 or 64) or by ten. */
const productSlips = (x: number, y: number): number[] => [x, y, 10].filter((v) => v !== 0);

function stepper(rng: DrawRng, slipRate: number, onSlip: () => void): Step {
  return (exact, sizes) => {
    if (rng.next() >= slipRate) return exact;
    onSlip();
    const size = sizes[rng.int(0, sizes.length - 1)];
    // A slip does not make a non-negative value negative, which would print as "29--1".
    const down = exact - size;
    return rng.next() < 0.5 && !(exact >= 0 && down < 0) ? down : exact + size;
  };
}

export function workedSolution(values: ArithmeticValues, style: SolutionStyle, rng: DrawRng, slipRate: number): WorkedSolution {
  const [a, b, c, d, e, f] = values;
  let slips = 0;
  const step = stepper(rng, slipRate, () => slips++);
  const parts: string[] = [];
  const show = (text: string, value: number): number => {
    parts.push(`${text}=${value}`);
    return value;
  };
  let sum: number;
  let product: number;
  switch (style) {
    case 'products-first': {
      const bc = show(`${b}*${c}`, step(b * c, productSlips(b, c)));
      product = show(`${e}*${f}`, step(e * f, productSlips(e, f)));
      const s1 = show(`${a}+${bc}`, step(a + bc, SUM_SLIPS));
      sum = show(`${s1}+${d}`, step(s1 + d, SUM_SLIPS));
      break;
    }
    case 'sums-first': {
      const ad = show(`${a}+${d}`, step(a + d, SUM_SLIPS));
      const bc = show(`${b}*${c}`, step(b * c, productSlips(b, c)));
      sum = show(`${ad}+${bc}`, step(ad + bc, SUM_SLIPS));
      product = show(`${e}*${f}`, step(e * f, productSlips(e, f)));
      break;
    }
    case 'left-to-right': {
      const bc = show(`${b}*${c}`, step(b * c, productSlips(b, c)));
      const s1 = show(`${a}+${bc}`, step(a + bc, SUM_SLIPS));
      sum = show(`${s1}+${d}`, step(s1 + d, SUM_SLIPS));
      product = show(`${e}*${f}`, step(e * f, productSlips(e, f)));
      break;
    }
  }
  const difference = subtractByPlaces(sum, product, step);
  parts.push(...difference.parts);
  // The expression comes first: copying it is learned in a few steps, and the operands of every
  // later step are then close by to copy from (without it, trial models ignored the prompt).
  return { style, steps: `${arithmeticExpression(values)}: ${parts.join(' ')}`, result: difference.result, slips };
}

/**
 * x-y the way the tiny model can learn it: "29-209=-(209-29) 209-20=189 189-9=180" (result -180),
 * "229-209=(229-209) 229-200=29 29-9=20". Written in one step, the digits of a difference of two
 * three-digit numbers depend on borrows from digits not yet written and its sign on comparing the
 * numbers: trial models got that step right 6-12% of the time while adding and multiplying at
 * 97%. Here the sign is decided once, and then each step takes away one place of the smaller
 * number, so a digit depends on at most one borrow, as in the sums the model learns well.
 */
function subtractByPlaces(x: number, y: number, step: Step): { parts: string[]; result: number } {
  const negative = x < y;
  const [larger, smaller] = negative ? [y, x] : [x, y];
  const parts = [`${x}-${y}=${negative ? '-' : ''}(${larger}-${smaller})`];
  const places = [100, 10, 1].map((place) => Math.floor(smaller / place) % 10 * place).filter((v) => v > 0);
  let rest = larger;
  for (const take of places.length > 0 ? places : [0]) {
    const next = step(rest - take, SUM_SLIPS);
    parts.push(`${rest}-${take}=${next}`);
    rest = next;
  }
  return { parts, result: negative ? -rest : rest };
}

/** A response as the model writes it after "A:" (short: generation time grows with every token). */
export function formatResponse(steps: string, answer: number): string {
  return ` ${steps} Answer: ${answer}`;
}
