import { writeTinyCheckpoint } from '../convert/tinyModel';
import { InputError } from '../errors/inputErrors';

export interface TinyModelOptions {
  kind?: string;
  out?: string;
  seed?: string;
}

/** `builder tiny-model`: a random Hugging Face checkpoint with the real Qwen tokenizer. */
export async function tinyModelCommand({ kind, out, seed }: TinyModelOptions): Promise<number> {
  if (kind !== 'diffusion' && kind !== 'autoregressive') throw new InputError('--kind takes diffusion or autoregressive.');
  if (!out) throw new InputError('--out DIR is required.');
  const seedNumber = seed === undefined ? 0 : Number(seed);
  if (!Number.isInteger(seedNumber) || seedNumber < 0 || seedNumber > 0xffffffff) throw new InputError(`--seed takes an integer from 0 to 4294967295; got "${seed}".`);
  await writeTinyCheckpoint(out, { kind, seed: seedNumber });
  process.stdout.write(`wrote a tiny ${kind} checkpoint to ${out}\n`);
  return 0;
}
