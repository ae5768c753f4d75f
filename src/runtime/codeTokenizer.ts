import { Tokenizer } from '@huggingface/tokenizers';
import { InputError } from '../errors/inputErrors';

/**
 * The model's tokenizer, set up so code round-trips exactly: no special tokens added on encode,
 * and no clean-up of spaces on decode (which would eat the space before `.` or `,`).
 */
export class CodeTokenizer {
  private readonly tokenizer: Tokenizer;
  /** One past the largest id the tokenizer can produce. */
  readonly size: number;
  /** The special tokens' ids (`<|im_end|>`, `<|mask|>`, `<M>`, ...): none of them is code. */
  readonly specialIds: ReadonlySet<number>;

  constructor(tokenizerJson: string, tokenizerConfigJson: string) {
    let json: { model?: { vocab?: Record<string, number> }; added_tokens?: { id: number; special?: boolean }[] };
    let config: Record<string, unknown>;
    try {
      json = JSON.parse(tokenizerJson);
      config = JSON.parse(tokenizerConfigJson);
    } catch (error) {
      throw new InputError(`The tokenizer files do not parse as JSON: ${(error as Error).message}`);
    }
    // Qwen's tokenizer.json normalises to NFC, which would turn decomposed characters (e + U+0301)
    // and compatibility ideographs into other code points: code the model keeps must come back
    // byte for byte, and byte-level BPE encodes any text without normalising it.
    this.tokenizer = new Tokenizer({ ...json, normalizer: null } as never, config as never);
    let largest = -1;
    for (const id of Object.values(json.model?.vocab ?? {})) largest = Math.max(largest, id);
    for (const token of json.added_tokens ?? []) largest = Math.max(largest, token.id);
    this.size = largest + 1;
    this.specialIds = new Set((json.added_tokens ?? []).filter((token) => token.special === true).map((token) => token.id));
  }

  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  }

  /** Refuses a tokenizer with ids past the model's embedding table: the two do not belong together. */
  checkFits(vocabSize: number): void {
    if (this.size > vocabSize) {
      throw new InputError(`tokenizer.json has ${this.size} tokens but the model's vocabulary has ${vocabSize}: they do not belong together.`);
    }
  }

  /** The id of a special token such as `<|fim_prefix|>`, if the vocabulary has it as one token. */
  tokenId(token: string): number | undefined {
    const ids = this.encode(token);
    return ids.length === 1 ? ids[0] : undefined;
  }
}

/**
 * The tokenizers built last, by the text of their two files. A diffusion model and its fallback
 * mostly share one tokenizer (Qwen's), and so do one model's folders at each precision; building
 * it again means parsing tokenizer.json (11 MB for Qwen) and its vocabulary and merges, about half
 * a second here. Two are kept, so a pair of models loaded together finds theirs.
 */
const recentTokenizers = new Map<string, CodeTokenizer>();
const RECENT_TOKENIZERS = 2;

/** A CodeTokenizer of these files: the one built last for the same text where it is still kept. */
export function codeTokenizerFor(tokenizerJson: string, tokenizerConfigJson: string): CodeTokenizer {
  const key = `${tokenizerConfigJson}\u0000${tokenizerJson}`;
  const kept = recentTokenizers.get(key);
  recentTokenizers.delete(key);
  const tokenizer = kept ?? new CodeTokenizer(tokenizerJson, tokenizerConfigJson);
  recentTokenizers.set(key, tokenizer);
  for (const oldest of recentTokenizers.keys()) {
    if (recentTokenizers.size <= RECENT_TOKENIZERS) break;
    recentTokenizers.delete(oldest);
  }
  return tokenizer;
}
