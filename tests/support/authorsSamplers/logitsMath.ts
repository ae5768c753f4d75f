/** The few reductions over one position's logits that every port needs, in float64. */

/** The argmax (the lowest index among equals, as torch.argmax returns) and its lead over the runner-up. */
export function argmaxWithMargin(logits: ArrayLike<number>): { token: number; margin: number } {
  let token = 0;
  let top = Number.NEGATIVE_INFINITY;
  let second = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    if (value > top) {
      second = top;
      top = value;
      token = i;
    } else if (value > second) second = value;
  }
  return { token, margin: top - second };
}

export function logSumExp(logits: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) peak = Math.max(peak, logits[i]!);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += Math.exp(logits[i]! - peak);
  return peak + Math.log(total);
}

/** The shift of the families trained to predict the next token: position i reads the logits of i - 1, position 0 its own. */
export function shiftedSource(position: number): number {
  return Math.max(0, position - 1);
}
