import { logFactorial } from './logFactorial.js';
import type { Rng } from './Rng.js';

const U32_TO_OPEN_UNIT = 2.3283064365386963e-10; // 2^-32

/** splitmix32 step: a well-mixed 32-bit output from a 32-bit counter state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * xoshiro128** (Blackman and Vigna, 2018): 128 bits of state, period 2^128 - 1, fast on 32-bit
 * integer arithmetic. The state is seeded by splitmix32 from `(seed, stream)`, so streams of one
 * seed are independent-looking sequences (the simulator gives the mid, the book, fills, taker
 * flow and latency their own streams: changing a policy leaves the mid path unchanged).
 *
 * Normals: Marsaglia's polar method (one spare cached). Poisson: multiplication of uniforms
 * below a mean of 10, Hormann's PTRS transformed rejection above.
 */
export class Xoshiro128 implements Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed))
      throw new RangeError(`seed must be a safe integer, got ${seed}`);
    if (!Number.isSafeInteger(stream) || stream < 0)
      throw new RangeError(`stream must be a safe integer >= 0, got ${stream}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = splitmix32(lo ^ splitmix32(hi ^ splitmix32(stream)));
    this.s0 = x;
    x = splitmix32(x);
    this.s1 = x;
    x = splitmix32(x);
    this.s2 = x;
    x = splitmix32(x);
    this.s3 = x;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** A generator at an explicit state (not all zero), e.g. to check against the reference code. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Xoshiro128 {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('state must not be all zero');
    const g = new Xoshiro128(0);
    g.s0 = s0 | 0;
    g.s1 = s1 | 0;
    g.s2 = s2 | 0;
    g.s3 = s3 | 0;
    return g;
  }

  nextU32(): number {
    const s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  uniform(): number {
    return (this.nextU32() + 0.5) * U32_TO_OPEN_UNIT;
  }

  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  exponential(): number {
    return -Math.log(this.uniform());
  }

  poisson(mean: number): number {
    if (!(mean > 0)) {
      if (mean === 0) return 0;
      throw new RangeError(`mean must be finite and >= 0, got ${mean}`);
    }
    if (mean < 10) {
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    if (!Number.isFinite(mean)) throw new RangeError(`mean must be finite and >= 0, got ${mean}`);
    return this.ptrs(mean);
  }

  /** Hormann (1993), "The transformed rejection method for generating Poisson random variables". */
  private ptrs(lam: number): number {
    const slam = Math.sqrt(lam);
    const loglam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <=
        -lam + k * loglam - logFactorial(k)
      )
        return k;
    }
  }
}

/** A seeded stream: `(seed, stream)` picks one of 2^32 independent-looking sequences of a seed. */
export function createRng(seed: number, stream = 0): Rng {
  return new Xoshiro128(seed, stream);
}
