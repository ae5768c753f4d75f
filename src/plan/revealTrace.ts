/**
 * What a diffusion run revealed, forward pass by forward pass: `builder sample`'s trace and a
 * patch's `sample.trace` (docs/cli.md, a contract), so any generation can be replayed and compared.
 */

/** One forward pass of the diffusion model: the positions it revealed, ascending, and their tokens. */
export interface RevealPass {
  positions: number[];
  tokens: number[];
  /** p2 only: revealed positions this pass masked again, ascending. */
  remasked?: number[];
}

export interface RevealTrace {
  /** The tokens the run started from: the input with the positions to fill masked. */
  promptTokens: number[];
  passes: RevealPass[];
}
