import { toDefinition } from '../syntax/outline';
import { analyzeFile } from './sourceFile';

export interface OutlineOptions {
  file: string;
  language?: string;
  json: boolean;
}

/** `builder outline`: the file's definitions, as the JSON contract or as an indented list. */
export async function outlineCommand({ file, language, json }: OutlineOptions): Promise<number> {
  const analyzed = await analyzeFile(file, language);
  try {
    if (analyzed.issues.length > 0) {
      const first = analyzed.issues[0]!;
      process.stderr.write(`warning: ${file} has ${analyzed.issues.length} syntax error(s), first at ${first.line}:${first.column} (${first.message}); definitions there may be missing.\n`);
    }
    if (json) {
      process.stdout.write(`${JSON.stringify(analyzed.outline.map(toDefinition), null, 2)}\n`);
    } else {
      for (const entry of analyzed.outline) {
        const depth = entry.qualifiedName.split('.').length - entry.name.split('.').length;
        process.stdout.write(`${'  '.repeat(depth)}${entry.kind} ${entry.qualifiedName}  lines ${entry.startLine}-${entry.endLine}\n`);
      }
    }
    return 0;
  } finally {
    analyzed.parsed.delete();
  }
}
