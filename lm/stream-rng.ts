// Seeded randomness for lm/: one generator (sfc32: small, fast, passes PractRand to 2^40+) whose
// whole state is four 32-bit words, so a training checkpoint can store it and a resumed run draws
// exactly the numbers the uninterrupted run would have drawn, and which splits into independent
// streams (one per generation request). data/draw-rng.ts is the other generator of the project:
// it needs neither (it is drawn from once per seed) and must never change, since it fixes the
// question sets and splits of every run.

export type StreamRngState = [number, number, number, number];

/** Mixes a 32-bit word into a well-spread 32-bit hash (murmur3 finalizer). */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class StreamRng {
  private constructor(private s: StreamRngState) {}

  /** Leaves the correlated start-up states behind. */
  private static warmedUp(state: StreamRngState, discard: number): StreamRng {
    const rng = new StreamRng(state);
    for (let i = 0; i < discard; i++) rng.nextUint32();
    return rng;
  }

  /** The stream of a training run (weight initialisation, batch order, dropout). */
  static fromSeed(seed: number): StreamRng {
    return StreamRng.warmedUp([0x9e3779b9, seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0, 1], 15);
  }

  /**
   * Stream `stream` of `seed`: generation gives each request its own stream (seed, request index),
   * so a request samples the same tokens whatever else shares its batch, and identical prompts at
   * different indices (agents asked the same question) still differ. The words are hashed because
   * neighbouring seeds and indices must not give correlated streams.
   */
  static forStream(seed: number, stream: number): StreamRng {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    return StreamRng.warmedUp([mix(lo ^ 0x9e3779b9), mix(hi ^ mix(stream + 0x7f4a7c15)), mix(stream ^ 0x6a09e667), 1], 12);
  }

  static fromState(state: StreamRngState): StreamRng {
    return new StreamRng([...state]);
  }

  get state(): StreamRngState {
    return [...this.s];
  }

  nextUint32(): number {
    let [a, b, c, d] = this.s;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    this.s = [a, b, c, d];
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller; one value per call keeps the state simple). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle of 0..n-1. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}
