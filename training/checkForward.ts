/**
 * Checks train.py's forward pass against the project's float64 reference (tests/support/referenceForward.ts)
 * on the same weights: `train.py FOLDER --forward-check FILE` saves a checkpoint and its own logits
 * at a few positions; this reads that checkpoint as the converter does and compares.
 *
 *   npx tsx training/checkForward.ts FILE
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCheckpoint } from '../src/convert/checkpoint';
import { openFolder } from '../src/convert/nodeFiles';
import { referenceLogitsAt } from '../tests/support/referenceForward';

const check = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as {
  folder: string;
  attention: 'bidirectional' | 'causal' | 'block-causal';
  blockSize: number | null;
  tokens: number[];
  positions: number[];
  ids: number[];
  logits: number[][];
};
const checkpoint = await openCheckpoint(await openFolder(join(new URL('../fixtures/known-answer/', import.meta.url).pathname, check.folder)));
const weights = new Map<string, Float32Array>();
for (const name of checkpoint.tensorNames()) weights.set(name, await checkpoint.readTensor(name));
const reference = referenceLogitsAt(checkpoint.config, (name) => weights.get(name)!, [check.tokens], { attention: check.attention, blockSize: check.blockSize ?? undefined }, [check.positions])[0]!;
let worst = 0;
check.positions.forEach((_, k) => {
  check.ids.forEach((id, i) => {
    worst = Math.max(worst, Math.abs(reference[k]![id]! - check.logits[k]![i]!));
  });
});
console.log(`${check.folder}: largest difference from the float64 reference ${worst.toExponential(2)} over ${check.positions.length} positions x ${check.ids.length} ids`);
await checkpoint.close();
process.exit(worst < 1e-3 ? 0 : 1);
