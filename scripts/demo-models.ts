/**
 * Generates the demo models the app and the e2e tests use: tiny random checkpoints with the real
 * Qwen tokenizer, and the known-answer checkpoints trained on the synthetic task (fixtures/known-answer,
 * training/README.md), which write the right function for that task's files; each converted to q4
 * (WebGPU's precision), q8 (WASM's) and fp32 into public/models. Run by `npm install`, offline; a model
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
import { completeCheckpoint, isTrained, KNOWN_ANSWER_CHECKPOINTS } from '../tests/support/knownAnswerCheckpoints';

/** A random tiny model (`seed`) or a trained known-answer checkpoint (`folder`). */
type DemoModel = { id: string; kind: 'diffusion' | 'autoregressive'; seed: number } | { id: string; kind: 'diffusion' | 'autoregressive'; folder: string };

const MODELS: readonly DemoModel[] = [
  { id: 'tiny-diffusion', kind: 'diffusion', seed: 1 },
  { id: 'tiny-autoregressive', kind: 'autoregressive', seed: 2 },
  // Builder's default family (dLLM A2D MDLM) and the fill-in-the-middle fallback, trained on the synthetic task.
  { id: 'known-answer-diffusion', kind: 'diffusion', folder: 'Qwen2.5-Coder-0.5B-Instruct-diffusion-mdlm-v0.1' },
  { id: 'known-answer-autoregressive', kind: 'autoregressive', folder: 'qwen2.5-coder-fim' },
];

/** The model's checkpoint folder in `scratch`, and the name the family table recognises it by. */
async function checkpointFolder(model: DemoModel): Promise<{ dir: string; name: string }> {
  if ('seed' in model) {
    const dir = join(scratch, model.id);
    await writeTinyCheckpoint(dir, { kind: model.kind, seed: model.seed });
    return { dir, name: model.id };
  }
  return { dir: await completeCheckpoint(knownAnswer(model.folder), scratch), name: model.folder };
}

const knownAnswer = (folder: string) => KNOWN_ANSWER_CHECKPOINTS.find((c) => c.folder === folder)!;

const modelsDir = new URL('../public/models/', import.meta.url).pathname;
const force = process.argv.includes('--force');
const scratch = mkdtempSync(join(tmpdir(), 'builder-demo-models-'));
try {
  // A known-answer checkpoint whose weights are not committed (not trained yet) is left out.
  for (const model of MODELS.filter((m) => 'seed' in m || isTrained(knownAnswer(m.folder)))) {
    const { id, kind } = model;
    const out = join(modelsDir, id);
    // The manifest is written last, so its presence means the folder is complete.
    if (existsSync(join(out, 'manifest.json')) && !force) continue;
    rmSync(out, { recursive: true, force: true });
    const { dir, name } = await checkpointFolder(model);
    const source = await openFolder(dir);
    const checkpoint = await openCheckpoint(source);
    try {
      await convertCheckpoint({ source, checkpoint, output: await createNodeOutputFolder(out), id, name, kind, precisions: ['q4', 'q8', 'fp32'] });
    } finally {
      await checkpoint.close();
    }
    console.log(`demo-models: ${id} in public/models/${id}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
