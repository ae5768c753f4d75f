/**
 * Generates the demo models the app and the e2e tests use: tiny random checkpoints with the real
 * Qwen tokenizer, converted to q4 (WebGPU's precision), q8 (WASM's) and fp32 into public/models. Run by `npm install`; a model
 * folder that is already complete is kept. Pass --force to make them again.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCheckpoint } from '../src/convert/checkpoint';
import { convertCheckpoint } from '../src/convert/convertCheckpoint';
import { openFolder } from '../src/convert/nodeFiles';
import { createNodeOutputFolder } from '../src/convert/nodeOutputFolder';
import { writeTinyCheckpoint } from '../src/convert/tinyModel';

const MODELS = [
  { id: 'tiny-diffusion', kind: 'diffusion', seed: 1 },
  { id: 'tiny-autoregressive', kind: 'autoregressive', seed: 2 },
] as const;

const modelsDir = new URL('../public/models/', import.meta.url).pathname;
const force = process.argv.includes('--force');
const scratch = mkdtempSync(join(tmpdir(), 'builder-demo-models-'));
try {
  for (const { id, kind, seed } of MODELS) {
    const out = join(modelsDir, id);
    // The manifest is written last, so its presence means the folder is complete.
    if (existsSync(join(out, 'manifest.json')) && !force) continue;
    rmSync(out, { recursive: true, force: true });
    const checkpointDir = join(scratch, id);
    await writeTinyCheckpoint(checkpointDir, { kind, seed });
    const source = await openFolder(checkpointDir);
    const checkpoint = await openCheckpoint(source);
    try {
      await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(out), id, kind, precisions: ['q4', 'q8', 'fp32'] });
    } finally {
      await checkpoint.close();
    }
    console.log(`demo-models: ${id} in public/models/${id}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
