import { InputError } from '../errors/inputErrors';
import { MASK_MODES, type MaskMode, maskSpans } from '../syntax/maskSpans';
import { resolveTargets, type TargetSpec } from '../syntax/targets';
import { analyzeFile } from './sourceFile';

export interface MaskOptions {
  file: string;
  targets: string[];
  at?: string;
  mode?: string;
  language?: string;
  json: boolean;
}

function cursorSpec(at: string): TargetSpec {
  const match = /^(\d+):(\d+)$/.exec(at);
  if (!match) throw new InputError(`--at takes LINE:COLUMN, e.g. --at 12:5; got "${at}".`);
  return { line: Number(match[1]), column: Number(match[2]) };
}

/** The `--mode` flag of `mask` and `patch`: what is regenerated of each target, the whole definition (the default) or its body. */
export function maskMode(mode: string | undefined): MaskMode {
  if (mode === undefined) return 'definition';
  if ((MASK_MODES as readonly string[]).includes(mode)) return mode as MaskMode;
  throw new InputError(`--mode takes ${MASK_MODES.join(' or ')}; got "${mode}".`);
}

/** `builder mask`: the spans the model would regenerate for the targets. */
export async function maskCommand(options: MaskOptions): Promise<number> {
  const mode = maskMode(options.mode);
  const specs: TargetSpec[] = [...options.targets, ...(options.at ? [cursorSpec(options.at)] : [])];
  const analyzed = await analyzeFile(options.file, options.language);
  try {
    const targets = resolveTargets(analyzed.outline, analyzed.parsed.source, specs);
    const plan = maskSpans(analyzed.parsed.source, targets, mode);
    const inside = analyzed.issues.filter((issue) => plan.spans.some((s) => issue.range.start < s.range.end && issue.range.end > s.range.start));
    if (options.json) {
      const report = { file: options.file, language: analyzed.language, mode, spans: plan.spans, notes: plan.notes, syntaxIssuesInSpans: inside };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      for (const span of plan.spans) {
        process.stdout.write(`${span.target} (${span.kind}, ${mode}): lines ${span.startLine}-${span.endLine}, bytes ${span.startByte}-${span.endByte}\n`);
      }
      for (const note of plan.notes) process.stdout.write(`note: ${note}\n`);
    }
    return 0;
  } finally {
    analyzed.parsed.delete();
  }
}
