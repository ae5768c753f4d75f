import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { InputError } from '../errors/inputErrors';

/** The project's one source of randomness: the same seed gives the same numbers on every platform. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform in [0, 1), a multiple of 2^-53. */
  nextFloat(): number;
  /** Standard normal (mean 0, variance 1). */
  nextNormal(): number;
}

export const MAX_SEED = 0xffffffff;

/**
 * SplitMix32: spreads one 32-bit seed over xoroshiro128+'s 128-bit state. pure-rand's own seeding
 * puts the seed straight into the state, so the first outputs of nearby seeds are nearly equal
 * (the very first is 0xffffffff for every seed). Each step is a bijection of a distinct counter,
 * so the four words are never all zero, the one state xoroshiro cannot leave.
 */
function splitMix32(seed: number): () => number {
  let counter = seed | 0;
  return () => {
    counter = (counter + 0x9e3779b9) | 0;
    let z = counter;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return z ^ (z >>> 15);
  };
}

/** `seed` is an integer from 0 to MAX_SEED (a user-facing `--seed`, hence InputError). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InputError(`Seed must be an integer from 0 to ${MAX_SEED}; got ${seed}.`);
  }
  const mix = splitMix32(seed);
  const generator = xoroshiro128plusFromState([mix(), mix(), mix(), mix()]);
  // Marsaglia's polar method makes normals in pairs; the second waits here for the next call.
  // It needs only log and sqrt; V8 computes log with its own fdlibm port, not the platform's libm,
  // so Node and Chromium agree everywhere.
  let spareNormal: number | undefined;
  const nextFloat = () => uniformFloat64(generator);
  return {
    nextUint32: () => generator.next() >>> 0,
    nextFloat,
    nextNormal() {
      if (spareNormal !== undefined) {
        const normal = spareNormal;
        spareNormal = undefined;
        return normal;
      }
      let u: number;
      let v: number;
      let radiusSquared: number;
      do {
        u = 2 * nextFloat() - 1;
        v = 2 * nextFloat() - 1;
        radiusSquared = u * u + v * v;
      } while (radiusSquared >= 1 || radiusSquared === 0);
      const factor = Math.sqrt((-2 * Math.log(radiusSquared)) / radiusSquared);
      spareNormal = v * factor;
      return u * factor;
    },
  };
}
