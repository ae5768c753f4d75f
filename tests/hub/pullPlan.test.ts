import { describe, expect, it } from 'vitest';
import type { RepoFile } from '../../src/hub/listRepository';
import { planPull } from '../../src/hub/pullPlan';

const file = (path: string): RepoFile => ({ path, bytes: 10, sha256: null, gitOid: '0'.repeat(40) });

describe('planPull', () => {
  it('fetches chat_template.jinja with a checkpoint, where newer transformers saved the chat template', () => {
    const listing = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'model.safetensors', 'README.md'].map(file);
    const plan = planPull('dllm-hub/Qwen3-0.6B-diffusion-bd3lm-v0.1', listing, 'q8');
    expect(plan.files.map((f) => f.path).sort()).toEqual(['chat_template.jinja', 'config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']);
  });
});
