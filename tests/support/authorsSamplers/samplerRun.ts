/** What Builder's `builder sample` trace holds for one forward pass: the positions it revealed, ascending, and their tokens. */
export interface RevealPass {
  positions: number[];
  tokens: number[];
}

/**
 * A port's run: the final tokens and the reveal trace, and how far every choice it made was from a tie. A port runs
 * in float64 and Builder in float32; the comparison means something only when these margins are wide.
 */
export interface SamplerRun {
  tokens: number[];
  passes: RevealPass[];
  /** The smallest top-1 minus top-2 logit (nats) at a revealed position. */
  tokenMargin: number;
  /**
   * The smallest gap (nats: log-probabilities, or negative entropies) between a position chosen in a step and one
   * left for later, where a step chose some of its candidates but not all.
   */
  selectionMargin: number;
}

/** Collects a port's passes and margins as it runs. */
export class RunRecorder {
  private readonly passes: RevealPass[] = [];
  private tokenMargin = Number.POSITIVE_INFINITY;
  private selectionMargin = Number.POSITIVE_INFINITY;

  /** One forward pass whose choices follow; `revealed` maps position to token. */
  pass(revealed: ReadonlyMap<number, number>): void {
    const positions = [...revealed.keys()].sort((a, b) => a - b);
    this.passes.push({ positions, tokens: positions.map((position) => revealed.get(position)!) });
  }

  token(margin: number): void {
    this.tokenMargin = Math.min(this.tokenMargin, margin);
  }

  /** The scores of the candidates chosen and of those not chosen in one step. */
  selection(chosen: readonly number[], left: readonly number[]): void {
    if (chosen.length === 0 || left.length === 0) return;
    this.selectionMargin = Math.min(this.selectionMargin, Math.min(...chosen) - Math.max(...left));
  }

  finish(tokens: readonly number[]): SamplerRun {
    return { tokens: [...tokens], passes: this.passes, tokenMargin: this.tokenMargin, selectionMargin: this.selectionMargin };
  }
}
