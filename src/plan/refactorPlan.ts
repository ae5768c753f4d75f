import { InputError } from '../errors/inputErrors';
import type { Backend } from '../models/backendChoice';
import type { ScheduleName } from '../models/noiseSchedule';
import type { MaskedSpan } from '../syntax/maskSpans';
import { PLAN_CONTEXT_REQUIREMENT, type PlanContext, planContextProblem } from './planContext';
import type { RevealTrace } from './revealTrace';

/** What to regenerate and why (a contract: docs/architecture.md, "Contracts"). */
export interface RefactorPlan {
  /** The file to change; also the path in the patch headers, so relative to the repository root. */
  filePath: string;
  /** Definitions to regenerate: names, qualified names, or NAME@LINE. */
  editTargets: string[];
  /** What the new code should do; the condition guidance steers towards. Empty: unconditional generation. */
  intent: string;
  /** A further requirement, added to the instruction after the intent. */
  condition?: string;
  /** What the model is given beside the instruction: the planner's mapping or a list of related texts (planContext). */
  context?: PlanContext;
  /** A language id, where the file name does not tell. */
  language?: string;
  /** Higher runs first in a batch; absent counts as 0. */
  priority?: number;
}

/** Where the code came from: the diffusion model, the autoregressive fallback, or nowhere (it failed). */
export type GenerationPath = 'diffusion' | 'fallback' | 'error';

/** How the code was sampled: enough to reproduce it with the same model and backend. */
export interface PatchSample {
  numSteps: number;
  schedule: ScheduleName;
  cfgScale: number;
  temperature: number;
  seed: number;
  strength: number;
  /** Forward passes of the models, every row of a batched pass counted once. */
  nfe: number;
  /** Context caching and parallel decoding as configured (DiffusionConfig). */
  cacheInterval: number;
  parallelThreshold: number;
  /** Diffusion passes over the whole sequence that refreshed the context cache. */
  cacheRefreshes: number;
  /** Masked tokens revealed per diffusion forward pass (0 when none ran). */
  tokensPerPass: number;
  /** Mean bytes of predictions read back per diffusion forward pass. */
  readbackBytesPerPass: number;
  generationTimeMs: number;
  path: GenerationPath;
  remaskRounds: number;
  /** The sampler that ran (docs/sampler.md): an authors' (`mdlm`, `bd3lm`, `dream`, `p2`) or `builder`. */
  sampler?: string;
  /** How the run departed from the model's authors' settings, one sentence each; empty: their run exactly. */
  departures?: string[];
  /** The first denoising's reveals, pass by pass, from the prompt's token ids (docs/cli.md, `builder sample`). */
  trace?: RevealTrace;
}

/** The part of the file the diffusion model saw (contextWindow), and the budget it was cut to. */
export interface PatchContext {
  /** Tokens of the sequence, prompt included. */
  tokens: number;
  budget: number;
  /** What set the budget: the model's positions, the backend's memory, or the contextTokens setting. */
  limitedBy: 'model' | 'memory' | 'setting';
  keptLines: number;
  totalLines: number;
  /** Runs of lines left out, each shown to the model as one comment line. */
  omittedRuns: number;
}

export interface FallbackProvenance {
  id: string;
  quant: string;
  spans: { target: string; tokens: number; budget: number; stoppedBy: 'stop-token' | 'budget' }[];
}

/** The result of one plan (a contract: docs/architecture.md, "Contracts"). */
export interface GeneratedPatch {
  filePath: string;
  originalCode: string;
  generatedCode: string;
  /** `git apply`-clean against originalCode; empty when nothing changed or the plan failed. */
  unifiedDiff: string;
  maskedSpans: MaskedSpan[];
  sample: PatchSample;
  plan: RefactorPlan;
  /** The patched file parses no worse than the original (patchVerdict). */
  isValidSyntax: boolean;
  /** What is wrong: new syntax errors as LINE:COLUMN: message, empty or vanished targets, a cut-off fallback; or why an error patch failed. */
  validationErrors: string[];
  /** ISO 8601. */
  generationTimestamp: string;
  /** 0 safe .. 1 risky; see riskScore. */
  riskScore: number;
  /** The facts that made the risk score, each with its own risk. */
  riskFactors: RiskFactor[];
  canApply: boolean;
  model: {
    id: string;
    /** The precision loaded: fp32, fp16, q4 or q4f16. */
    quant: string;
    backend: Backend;
    /** The fallback, where it wrote code: its model, and per span it rewrote what stopped it. */
    fallback?: FallbackProvenance;
  };
  /** How much of the file the diffusion model saw; absent where no sequence was built. */
  context?: PatchContext;
  /** Provenance in words: merged targets, an empty prompt, a fallback taken and why. */
  notes: string[];
}

/** The most problems one message lists; a plans file that is wrong everywhere needs no more. */
const MAX_LISTED_PROBLEMS = 5;

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isNonEmptyString: Check = (value) => typeof value === 'string' && value.trim() !== '';

/** Each field of a plan: whether it must be there, what it must be, and how to say so (`problem`: what follows the field's name, where it depends on the value). */
const PLAN_FIELDS: { readonly [K in keyof RefactorPlan]-?: { required: boolean; valid: Check; requirement: string; problem?: (value: unknown) => string | null } } = {
  filePath: { required: true, valid: isNonEmptyString, requirement: 'must be a file path' },
  editTargets: {
    required: true,
    valid: (value) => Array.isArray(value) && value.length > 0 && value.every(isNonEmptyString),
    requirement: 'must be a non-empty list of definition names',
  },
  intent: { required: true, valid: isString, requirement: 'must be a string, empty for unconditional generation' },
  condition: { required: false, valid: isString, requirement: 'must be a string' },
  context: { required: false, valid: (value) => planContextProblem(value) === null, requirement: PLAN_CONTEXT_REQUIREMENT, problem: planContextProblem },
  language: { required: false, valid: isNonEmptyString, requirement: 'must be a language id' },
  priority: { required: false, valid: (value) => typeof value === 'number' && Number.isFinite(value), requirement: 'must be a number' },
};

const PLAN_FIELD_NAMES = Object.keys(PLAN_FIELDS) as (keyof RefactorPlan)[];

/**
 * The plans of a plans file: a JSON array of RefactorPlans. Every field of every plan is checked,
 * and one InputError names the problems by plan index and field (`plans[2].intent must be a
 * string`). Keys that are not plan fields are dropped: plans written by other tools may carry
 * their own bookkeeping; inside a `context` mapping the planner's own keys stay (planContext).
 * `source` names the file in messages.
 */
export function parsePlans(text: string, source = 'the plans'): RefactorPlan[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${source} is not valid JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(parsed)) throw new InputError(`${source} must be a JSON array of plans, each with "filePath", "editTargets" and "intent".`);
  const problems: string[] = [];
  const plans = parsed.map((item: unknown, index): RefactorPlan => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`plans[${index}] must be an object`);
      return item as RefactorPlan;
    }
    const record = item as Record<string, unknown>;
    const plan: Record<string, unknown> = {};
    for (const field of PLAN_FIELD_NAMES) {
      const value = record[field];
      const rule = PLAN_FIELDS[field];
      // null is how many JSON writers spell "absent".
      if (value === undefined || value === null) {
        if (rule.required) problems.push(`plans[${index}].${field} is missing (it ${rule.requirement})`);
      } else if (!rule.valid(value)) {
        problems.push(`plans[${index}].${field}${rule.problem?.(value) ?? ` ${rule.requirement}`}`);
      } else {
        plan[field] = value;
      }
    }
    return plan as unknown as RefactorPlan;
  });
  if (problems.length > 0) {
    const more = problems.length > MAX_LISTED_PROBLEMS ? ` (and ${problems.length - MAX_LISTED_PROBLEMS} more)` : '';
    throw new InputError(`${source} has invalid plans: ${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}${more}.`);
  }
  return plans;
}

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
