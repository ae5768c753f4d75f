import { InputError } from '../errors/inputErrors';
import type { Backend } from '../models/backendChoice';
import type { ScheduleName } from '../models/noiseSchedule';
import { MASK_MODES, type MaskedSpan, type MaskMode } from '../syntax/maskSpans';
import type { RiskFactor } from './patchRisk';
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
  /** What is regenerated of each target: `definition` (absent) the whole of it, `body` its body under the signature kept. */
  maskMode?: MaskMode;
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
  /** 0 safe .. 1 risky; see patchRisk. */
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
  maskMode: { required: false, valid: (value) => MASK_MODES.includes(value as MaskMode), requirement: `must be ${MASK_MODES.map((mode) => `"${mode}"`).join(' or ')}` },
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
