// Small numeric helpers over one row of logits.

/** log softmax(row)[index], computed stably. */
export function logSoftmaxAt(row: Float32Array, index: number): number {
  return row[index] - logSumExp(row);
}

export function logSumExp(row: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return max + Math.log(sum);
}

/** Entropy −Σ p log p of softmax(row), as logsumexp − E_p[row] (stable for any logits). */
export function entropyOf(row: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < row.length; i++) {
    const e = Math.exp(row[i] - max);
    sum += e;
    weighted += e * row[i];
  }
  return max + Math.log(sum) - weighted / sum;
}

/** Index of the largest value; ties go to the lowest index. */
export function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
