import { writeFileSync } from 'node:fs';
import { InputError } from '../errors/inputErrors';
import { type FileTargets, repositoryPlans } from '../plan/repositoryPlans';
import { folderPath } from '../repository/folderSource';
import { describeRelated } from '../repository/relatedCode';
import { scanRepository } from '../repository/repository';
import { RepositoryIndex } from '../repository/repositoryIndex';
import { SyntaxParser } from '../syntax/syntaxParser';
import { nodeFolder } from './nodeFolder';
import { nodeWasmLocator } from './wasmFiles';

export interface PlanFlags {
  root?: string;
  targets: string[];
  prompt?: string;
  out?: string;
  budget?: string;
}

/** `FILE:NAME` (NAME may itself hold `::` or `@LINE`): the file is everything before the first single colon. */
function parseTarget(spec: string): { path: string; name: string } {
  const match = /^(.+?):(?!:)(.+)$/.exec(spec);
  if (!match || match[1]!.endsWith(':')) throw new InputError(`--target ${spec} must be FILE:NAME, the file relative to --root (e.g. src/app.py:parse).`);
  return { path: folderPath(match[1]!), name: match[2]! };
}

/**
 * `builder plan`: the plans file for targets across a folder, one plan per file, each with the
 * code of other files its targets use or are called from as context (found as the app finds it),
 * ready for `builder batch --root`. Which related code went in is listed on stderr.
 */
export async function planCommand(flags: PlanFlags): Promise<number> {
  if (!flags.root) throw new InputError('--root DIR is required: the folder the targets are in.');
  if (flags.targets.length === 0) throw new InputError('--target FILE:NAME is required (repeat it for several).');
  if (flags.prompt === undefined) throw new InputError('--prompt TEXT is required (it may be empty: --prompt "").');
  const budget = flags.budget === undefined ? undefined : Number(flags.budget);
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 0)) throw new InputError(`--budget must be a whole number of characters; got "${flags.budget}".`);
  const targets: FileTargets[] = flags.targets.map(parseTarget).map(({ path, name }) => ({ path, targets: [name] }));
  const folder = nodeFolder(flags.root);
  const index = new RepositoryIndex(await scanRepository(folder), folder, await SyntaxParser.create(nodeWasmLocator));
  const plans = await repositoryPlans(index, targets, flags.prompt, { budget });
  const json = `${JSON.stringify(
    plans.map((p) => p.plan),
    null,
    2,
  )}\n`;
  if (flags.out) writeFileSync(flags.out, json);
  else process.stdout.write(json);
  for (const { plan, related, leftOut } of plans) {
    process.stderr.write(`${plan.filePath} [${plan.editTargets.join(', ')}]: ${related.length} related definition(s)${leftOut > 0 ? `, ${leftOut} left out (over the budget)` : ''}\n`);
    for (const definition of related) process.stderr.write(`  ${describeRelated(definition)}\n`);
  }
  return 0;
}
