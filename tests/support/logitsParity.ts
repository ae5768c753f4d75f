/**
 * Rows of numbers (logits per position, or a layer's output per row) against their reference: the
 * largest absolute difference, the relative error over all of them (the root of the summed squared
 * differences over the summed squared reference), and how often a row's argmax matches.
 */
export function compareRows(actual: readonly ArrayLike<number>[], expected: readonly ArrayLike<number>[]) {
  let maxAbs = 0;
  let diffSquares = 0;
  let refSquares = 0;
  let argmaxAgree = 0;
  actual.forEach((row, p) => {
    const ref = expected[p]!;
    let bestA = 0;
    let bestR = 0;
    for (let i = 0; i < ref.length; i++) {
      const diff = row[i]! - ref[i]!;
      maxAbs = Math.max(maxAbs, Math.abs(diff));
      diffSquares += diff * diff;
      refSquares += ref[i]! * ref[i]!;
      if (row[i]! > row[bestA]!) bestA = i;
      if (ref[i]! > ref[bestR]!) bestR = i;
    }
    if (bestA === bestR) argmaxAgree++;
  });
  return { maxAbs, relative: Math.sqrt(diffSquares / refSquares), argmaxAgreement: argmaxAgree / actual.length };
}
