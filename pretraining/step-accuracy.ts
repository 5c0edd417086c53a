// Where a worked solution goes wrong: each step of a response checked on its own operands (not
// against the true intermediate values), grouped by kind. This is what tells a weak model's
// missing skill from its slips — the old one-step subtraction showed up here at 6-12% while
// products and sums were at 97%.

export type StepKind = 'product' | 'sum' | 'sign' | 'place';
export const STEP_KINDS: readonly StepKind[] = ['product', 'sum', 'sign', 'place'];

export interface StepTally {
  steps: number;
  right: number;
}

export type StepAccuracy = Record<StepKind, StepTally> & {
  /** Responses whose steps could not all be read (not the format the corpus teaches). */
  unreadable: number;
};

const ARITHMETIC_STEP = /^(-?\d+)([*+-])(\d+)=(-?\d+)$/;
/** "29-209=-(209-29)": the sign of the difference and the order of its operands. */
const SIGN_STEP = /^(\d+)-(\d+)=(-?)\((\d+)-(\d+)\)$/;

/** The kind of one step and whether it is right, or null when the step is not in the format. */
export function checkStep(text: string): { kind: StepKind; right: boolean } | null {
  const sign = SIGN_STEP.exec(text);
  if (sign) {
    const [x, y, minus, larger, smaller] = [Number(sign[1]), Number(sign[2]), sign[3], Number(sign[4]), Number(sign[5])];
    const negative = x < y;
    return { kind: 'sign', right: (minus === '-') === negative && larger === Math.max(x, y) && smaller === Math.min(x, y) };
  }
  const m = ARITHMETIC_STEP.exec(text);
  if (!m) return null;
  const [x, op, y, z] = [Number(m[1]), m[2], Number(m[3]), Number(m[4])];
  if (op === '*') return { kind: 'product', right: x * y === z };
  if (op === '+') return { kind: 'sum', right: x + y === z };
  return { kind: 'place', right: x - y === z };
}

/** Tallies the steps of responses " <expression>: <step> <step> ... Answer: <n>". */
export function stepAccuracy(responses: readonly string[]): StepAccuracy {
  const tally: StepAccuracy = { product: zero(), sum: zero(), sign: zero(), place: zero(), unreadable: 0 };
  for (const response of responses) {
    const body = /^ [^:]+: (.*) Answer: -?\d+$/.exec(response)?.[1];
    const checked = body?.split(' ').map(checkStep);
    if (!checked || checked.some((c) => c === null)) {
      tally.unreadable++;
      continue;
    }
    for (const c of checked) {
      tally[c!.kind].steps++;
      if (c!.right) tally[c!.kind].right++;
    }
  }
  return tally;
}

function zero(): StepTally {
  return { steps: 0, right: 0 };
}
