import type { Verdict } from './patchVerdict';
import type { GenerationPath } from './refactorPlan';

export interface RiskInput {
  isValidSyntax: boolean;
  /** ERROR and MISSING nodes the patched file has and the original did not, wherever they are. */
  newSyntaxErrors: number;
  /** Added plus removed lines of the diff. */
  changedLines: number;
  /** Lines of the original file. */
  totalLines: number;
  path: GenerationPath;
  /** Targets that came out empty, that the patched file no longer defines, that the fallback wrote until its budget ran out. */
  emptySpans?: number;
  vanishedTargets?: number;
  cutOffSpans?: number;
}

/** One fact that raised a patch's risk, and by how much on its own. */
export interface RiskFactor {
  fact: string;
  risk: number;
}

/** Invalid syntax alone: the patch would break the file, so it is risky whatever else holds. */
const INVALID_SYNTAX_RISK = 0.8;
/** Each new syntax error, as an independent chance that the patch is wrong. */
const RISK_PER_SYNTAX_ERROR = 0.1;
/** A patch that rewrites the whole file; a smaller one in proportion to the lines it touches. */
const WHOLE_FILE_RISK = 0.5;
/** Code from the fallback: the diffusion result failed, and a second model wrote this instead. */
const FALLBACK_RISK = 0.1;
/** A target deleted (empty) or gone (renamed, turned into something else): the patch does not do what was asked. */
const LOST_TARGET_RISK = 0.8;
/** The fallback cut off by its budget: the code likely ends mid-way, even where it parses. */
const CUT_OFF_RISK = 0.5;

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/**
 * The facts that make a patch risky, each with its own risk: invalid syntax 0.8; each new syntax
 * error 0.1 (n of them: 1 - 0.9^n); the size, 0.5 * min(1, changed lines / file lines); code from
 * the fallback 0.1; a target empty or no longer defined 0.8 each; the fallback cut off by its
 * budget 0.5 each. An error patch is one fact of risk 1. Facts of no risk are left out.
 */
export function riskFactors(input: RiskInput): RiskFactor[] {
  const { isValidSyntax, newSyntaxErrors, changedLines, totalLines, path } = input;
  const counts = { newSyntaxErrors, changedLines, totalLines, emptySpans: input.emptySpans ?? 0, vanishedTargets: input.vanishedTargets ?? 0, cutOffSpans: input.cutOffSpans ?? 0 };
  for (const [name, count] of Object.entries(counts)) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`riskScore: ${name} must be a non-negative integer; got ${count}.`);
  }
  if (path === 'error') return [{ fact: 'the plan failed: there is no patch', risk: 1 }];
  const each = (count: number, risk: number) => 1 - (1 - risk) ** count;
  const factors: RiskFactor[] = [
    { fact: 'the patched file parses worse than the original', risk: isValidSyntax ? 0 : INVALID_SYNTAX_RISK },
    { fact: `${plural(newSyntaxErrors, 'new syntax error')}`, risk: each(newSyntaxErrors, RISK_PER_SYNTAX_ERROR) },
    { fact: `${plural(changedLines, 'changed line')} of ${totalLines}`, risk: WHOLE_FILE_RISK * Math.min(1, changedLines / Math.max(1, totalLines)) },
    { fact: 'the fallback model wrote code', risk: path === 'fallback' ? FALLBACK_RISK : 0 },
    { fact: `${plural(counts.emptySpans, 'target')} came out empty`, risk: each(counts.emptySpans, LOST_TARGET_RISK) },
    { fact: `${plural(counts.vanishedTargets, 'target')} no longer defined`, risk: each(counts.vanishedTargets, LOST_TARGET_RISK) },
    { fact: `${plural(counts.cutOffSpans, 'span')} cut off by the fallback's token budget`, risk: each(counts.cutOffSpans, CUT_OFF_RISK) },
  ];
  return factors.filter((factor) => factor.risk > 0);
}

/**
 * How risky it is to apply a patch, from 0 (safe) to 1: the factors (riskFactors) combined as
 * independent chances that something is wrong, risk = 1 - prod(1 - factor). Every factor only
 * raises the score, and the score stays in [0, 1].
 */
export function riskScore(input: RiskInput): number {
  return 1 - riskFactors(input).reduce((safe, factor) => safe * (1 - factor.risk), 1);
}

/** A patch's risk score and the facts that made it: the one place a patch's risk is computed, from its verdict and its diff. */
export function patchRisk(verdict: Verdict, unifiedDiff: string, totalLines: number, path: GenerationPath): { riskScore: number; riskFactors: RiskFactor[] } {
  const input: RiskInput = {
    isValidSyntax: verdict.isValidSyntax,
    newSyntaxErrors: verdict.newIssues.length,
    changedLines: unifiedDiff.split('\n').filter((line) => /^[+-](?![+-])/.test(line)).length,
    totalLines,
    path,
    emptySpans: verdict.emptySpans.length,
    vanishedTargets: verdict.vanishedTargets.length,
    cutOffSpans: verdict.cutOffSpans.length,
  };
  return { riskScore: riskScore(input), riskFactors: riskFactors(input) };
}

/** The risk of a plan that failed: no patch, one fact of risk 1. */
export function errorRisk(): { riskScore: number; riskFactors: RiskFactor[] } {
  const input: RiskInput = { isValidSyntax: false, newSyntaxErrors: 0, changedLines: 0, totalLines: 0, path: 'error' };
  return { riskScore: riskScore(input), riskFactors: riskFactors(input) };
}
