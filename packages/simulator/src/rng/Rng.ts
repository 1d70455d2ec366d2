/**
 * The simulator's only source of randomness: a seeded pseudo-random stream and the variates the
 * models draw from it. Same seed and stream, same sequence, on every platform.
 */
export interface Rng {
  /** A uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform on the open interval (0, 1) (32-bit resolution; never 0 or 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Exponential with mean 1 (divide by a rate per second to get seconds). */
  exponential(): number;
  /** Poisson count with the given mean (>= 0). */
  poisson(mean: number): number;
}
