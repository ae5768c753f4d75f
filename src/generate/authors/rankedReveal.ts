/** A masked position's prediction and how sure the sampler is of it. */
export interface ScoredPosition {
  position: number;
  token: number;
  score: number;
}

/**
 * The `count` surest positions, as the authors' `torch.topk(confidence, k)` picks them; equal
 * scores go to the lower position, so a tie resolves the same way on every run.
 */
export function surest(scored: readonly ScoredPosition[], count: number): ScoredPosition[] {
  return [...scored].sort((a, b) => b.score - a.score || a.position - b.position).slice(0, count);
}
