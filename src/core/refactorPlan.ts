import type { Backend } from './backendChoice';
import { InputError } from './inputErrors';
import type { MaskedSpan } from './maskSpans';
import type { ScheduleName } from './noiseSchedule';

/** What to regenerate and why (DESIGN.md, "Plans and patches", a contract). */
export interface RefactorPlan {
  /** The file to change; also the path in the patch headers, so relative to the repository root. */
  filePath: string;
  /** Definitions to regenerate: names, qualified names, or NAME@LINE. */
  editTargets: string[];
  /** What the new code should do; the condition guidance steers towards. Empty: unconditional generation. */
  intent: string;
  /** A further requirement, added to the instruction after the intent. */
  condition?: string;
  /** The text of related files, given to the model with the instruction. */
  context?: string[];
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
}

/** The result of one plan (DESIGN.md, "Plans and patches", a contract). */
export interface GeneratedPatch {
  filePath: string;
  originalCode: string;
  generatedCode: string;
  /** `git apply`-clean against originalCode; empty when nothing changed or the plan failed. */
  unifiedDiff: string;
  maskedSpans: MaskedSpan[];
  sample: PatchSample;
  plan: RefactorPlan;
  isValidSyntax: boolean;
  /** Syntax errors inside the regenerated spans, or the reason an error patch failed. */
  validationErrors: string[];
  /** ISO 8601. */
  generationTimestamp: string;
  /** 0 safe .. 1 risky; see riskScore. */
  riskScore: number;
  canApply: boolean;
  model: {
    id: string;
    /** The precision loaded: fp32, fp16, q4 or q4f16. */
    quant: string;
    backend: Backend;
  };
  /** Provenance in words: merged targets, an empty prompt, a fallback taken and why. */
  notes: string[];
}

/** The most problems one message lists; a plans file that is wrong everywhere needs no more. */
const MAX_LISTED_PROBLEMS = 5;

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isNonEmptyString: Check = (value) => typeof value === 'string' && value.trim() !== '';

/** Each field of a plan: whether it must be there, what it must be, and how to say so. */
const PLAN_FIELDS: { readonly [K in keyof RefactorPlan]-?: { required: boolean; valid: Check; requirement: string } } = {
  filePath: { required: true, valid: isNonEmptyString, requirement: 'must be a file path' },
  editTargets: {
    required: true,
    valid: (value) => Array.isArray(value) && value.length > 0 && value.every(isNonEmptyString),
    requirement: 'must be a non-empty list of definition names',
  },
  intent: { required: true, valid: isString, requirement: 'must be a string, empty for unconditional generation' },
  condition: { required: false, valid: isString, requirement: 'must be a string' },
  context: { required: false, valid: (value) => Array.isArray(value) && value.every(isString), requirement: "must be a list of the related files' text" },
  language: { required: false, valid: isNonEmptyString, requirement: 'must be a language id' },
  priority: { required: false, valid: (value) => typeof value === 'number' && Number.isFinite(value), requirement: 'must be a number' },
};

const PLAN_FIELD_NAMES = Object.keys(PLAN_FIELDS) as (keyof RefactorPlan)[];

/**
 * The plans of a plans file: a JSON array of RefactorPlans. Every field of every plan is checked,
 * and one InputError names the problems by plan index and field (`plans[2].intent must be a
 * string`). Keys that are not plan fields are dropped: plans written by other tools may carry
 * their own bookkeeping. `source` names the file in messages.
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
        problems.push(`plans[${index}].${field} ${rule.requirement}`);
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
  /** ERROR and MISSING nodes inside the regenerated spans. */
  syntaxErrorsInSpans: number;
  /** Added plus removed lines of the diff. */
  changedLines: number;
  /** Lines of the original file. */
  totalLines: number;
  path: GenerationPath;
}

/** Invalid syntax alone: the patch would break the file, so it is risky whatever else holds. */
const INVALID_SYNTAX_RISK = 0.8;
/** Each syntax error in the spans, as an independent chance that the patch is wrong. */
const RISK_PER_SYNTAX_ERROR = 0.1;
/** A patch that rewrites the whole file; a smaller one in proportion to the lines it touches. */
const WHOLE_FILE_RISK = 0.5;
/** Code from the fallback: the diffusion result failed, and a second model wrote this instead. */
const FALLBACK_RISK = 0.1;

/**
 * How risky it is to apply a patch, from 0 (safe) to 1. Each concern is a risk of its own, and
 * they combine as independent chances that something is wrong:
 *
 *   risk = 1 - (1 - syntax) * (1 - errors) * (1 - size) * (1 - fallback)
 *
 * syntax is 0.8 for invalid syntax (so an invalid patch scores at least 0.8), errors is
 * 1 - 0.9^(syntax errors in the spans), size is 0.5 * min(1, changed lines / file lines), and
 * fallback is 0.1 when the fallback model wrote the code. An error patch is 1. Every term only
 * raises the score, and the score stays in [0, 1].
 */
export function riskScore(input: RiskInput): number {
  const { isValidSyntax, syntaxErrorsInSpans, changedLines, totalLines, path } = input;
  for (const [name, count] of [['syntaxErrorsInSpans', syntaxErrorsInSpans], ['changedLines', changedLines], ['totalLines', totalLines]] as const) {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`riskScore: ${name} must be a non-negative integer; got ${count}.`);
  }
  if (path === 'error') return 1;
  const risks = [
    isValidSyntax ? 0 : INVALID_SYNTAX_RISK,
    1 - (1 - RISK_PER_SYNTAX_ERROR) ** syntaxErrorsInSpans,
    WHOLE_FILE_RISK * Math.min(1, changedLines / Math.max(1, totalLines)),
    path === 'fallback' ? FALLBACK_RISK : 0,
  ];
  return 1 - risks.reduce((safe, risk) => safe * (1 - risk), 1);
}
