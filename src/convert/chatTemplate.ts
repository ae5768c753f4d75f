import { Template } from '@huggingface/jinja';
import { InputError } from '../errors/inputErrors';
import { type ChatPrompt, tokenText } from '../models/modelFamilies';
import { PROMPT_SLOTS, userTurnWithFileAfter } from '../prompt/promptFormats';
import type { FileFolder } from '../runtime/byteSource';

/** A checkpoint's chat template and the file it was read from. */
export interface CheckpointChatTemplate {
  text: string;
  file: 'chat_template.jinja' | 'tokenizer_config.json';
}

/** The manifest's prompt: the template with its slots, and where it came from in words. */
export interface RenderedPrompt {
  promptTemplate: string;
  promptSource: string;
}

// Stand-ins for the user's text and the file after the target while the template renders: no
// template writes them itself, and none trims or escapes them, so each marks where its slot goes.
const INSTRUCTION_MARK = '\u2983builder-instruction\u2984';
const FILE_AFTER_MARK = '\u2983builder-file-after\u2984';

/**
 * The checkpoint's chat template: chat_template.jinja where there is one (newer transformers saves
 * it there and reads it first), else tokenizer_config.json's `chat_template`, which may also be a
 * list of named templates, of which transformers uses "default". Null when there is none.
 */
export async function readChatTemplate(folder: FileFolder, tokenizerConfig: Record<string, unknown>): Promise<CheckpointChatTemplate | null> {
  if (await folder.exists('chat_template.jinja')) return { text: await folder.readText('chat_template.jinja'), file: 'chat_template.jinja' };
  const template = tokenizerConfig.chat_template;
  if (typeof template === 'string') return { text: template, file: 'tokenizer_config.json' };
  if (Array.isArray(template)) {
    const named = template.find((t) => (t as { name?: unknown })?.name === 'default') as { template?: unknown } | undefined;
    if (typeof named?.template === 'string') return { text: named.template, file: 'tokenizer_config.json' };
    throw new InputError(`tokenizer_config.json in ${folder.location} lists chat templates but none named "default".`);
  }
  return null;
}

/** The authors' arguments in words, for the manifest. */
function describe(template: CheckpointChatTemplate, prompt: ChatPrompt): string {
  const parts = [template.file === 'chat_template.jinja' ? 'chat_template.jinja' : "tokenizer_config.json's chat_template", 'add_generation_prompt=True'];
  if (prompt.enableThinking !== undefined) parts.push(`enable_thinking=${prompt.enableThinking ? 'True' : 'False'}`);
  if (prompt.system !== undefined) parts.push(`system turn "${prompt.system}"`);
  if (prompt.fileAfterInUserTurn) parts.push("the file after the last target in the user's turn (Builder's)");
  return parts.join(', ');
}

/**
 * The prompt a chat checkpoint's own template gives, as the manifest's `promptTemplate`: the
 * template rendered once, as transformers' apply_chat_template renders it (the tokenizer's special
 * tokens as variables), for one user message with add_generation_prompt and the authors'
 * arguments; the user's text becomes `{instruction}` (and the file after the target `{suffix}`), and
 * the answer, `{code}`, follows the generation prompt, where the authors' samplers put the masks.
 */
export function renderChatPrompt(template: CheckpointChatTemplate, prompt: ChatPrompt, tokenizerConfig: Record<string, unknown>): RenderedPrompt {
  for (const slot of Object.values(PROMPT_SLOTS)) {
    if (template.text.includes(slot)) throw new InputError(`The chat template in ${template.file} writes "${slot}", which Builder's prompt uses as a slot; it cannot be used as it is.`);
  }
  const user = prompt.fileAfterInUserTurn ? userTurnWithFileAfter(INSTRUCTION_MARK, FILE_AFTER_MARK) : INSTRUCTION_MARK;
  const messages = [...(prompt.system !== undefined ? [{ role: 'system', content: prompt.system }] : []), { role: 'user', content: user }];
  const specialTokens = Object.fromEntries(
    ['bos_token', 'eos_token', 'pad_token', 'unk_token'].flatMap((key) => {
      const text = tokenText(tokenizerConfig[key]);
      return text === undefined ? [] : [[key, text]];
    }),
  );
  let rendered: string;
  try {
    rendered = new Template(template.text).render({
      ...specialTokens,
      messages,
      add_generation_prompt: true,
      ...(prompt.enableThinking !== undefined ? { enable_thinking: prompt.enableThinking } : {}),
    });
  } catch (error) {
    throw new InputError(`The chat template in ${template.file} does not render: ${(error as Error).message}`);
  }
  const marks = prompt.fileAfterInUserTurn ? [INSTRUCTION_MARK, FILE_AFTER_MARK] : [INSTRUCTION_MARK];
  for (const mark of marks) {
    if (rendered.split(mark).length !== 2) throw new InputError(`The chat template in ${template.file} does not write the user's message once, as it is; Builder cannot place the instruction in it.`);
  }
  return {
    promptTemplate: `${rendered.replace(INSTRUCTION_MARK, PROMPT_SLOTS.instruction).replace(FILE_AFTER_MARK, PROMPT_SLOTS.suffix)}${PROMPT_SLOTS.code}`,
    promptSource: describe(template, prompt),
  };
}
