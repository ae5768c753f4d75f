import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChatTemplate, renderChatPrompt } from '../../src/convert/chatTemplate';
import { InputError } from '../../src/errors/inputErrors';
import type { FileFolder } from '../../src/runtime/byteSource';

/** A folder of text files held in memory. */
function textFolder(files: Record<string, string>): FileFolder {
  return {
    location: 'memory',
    exists: async (path) => Object.hasOwn(files, path),
    readText: async (path) => files[path] ?? Promise.reject(new Error(`no ${path}`)),
    open: () => Promise.reject(new Error('text only')),
  };
}

const QWEN25 = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'chat-templates', 'qwen2.5-instruct.jinja'), 'utf8');
const CODA = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'chat-templates', 'coda.jinja'), 'utf8');

describe('readChatTemplate', () => {
  it("prefers chat_template.jinja to tokenizer_config.json's, as newer transformers does", async () => {
    expect(await readChatTemplate(textFolder({ 'chat_template.jinja': 'A' }), { chat_template: 'B' })).toEqual({ text: 'A', file: 'chat_template.jinja' });
    expect(await readChatTemplate(textFolder({}), { chat_template: 'B' })).toEqual({ text: 'B', file: 'tokenizer_config.json' });
    expect(await readChatTemplate(textFolder({}), {})).toBeNull();
  });

  it('takes the template named "default" from a list, and refuses a list without one', async () => {
    const named = [
      { name: 'tool_use', template: 'T' },
      { name: 'default', template: 'D' },
    ];
    expect(await readChatTemplate(textFolder({}), { chat_template: named })).toEqual({ text: 'D', file: 'tokenizer_config.json' });
    await expect(readChatTemplate(textFolder({}), { chat_template: [named[0]] })).rejects.toThrow(/none named "default"/);
  });
});

describe('renderChatPrompt', () => {
  it("turns the rendered template into the manifest's slots, the answer after the generation prompt", () => {
    const rendered = renderChatPrompt({ text: CODA, file: 'tokenizer_config.json' }, { kind: 'chat', enableThinking: false, source: '' }, {});
    expect(rendered).toEqual({
      promptTemplate: '<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n{code}',
      promptSource: "tokenizer_config.json's chat_template, add_generation_prompt=True, enable_thinking=False",
    });
    // Not passing enable_thinking is not passing False: CoDA's template then writes no think block.
    expect(renderChatPrompt({ text: CODA, file: 'tokenizer_config.json' }, { kind: 'chat', source: '' }, {}).promptTemplate).toBe(
      '<|im_start|>user\n{instruction}<|im_end|>\n<|im_start|>assistant\n{code}',
    );
  });

  it("puts a system turn the authors send before the user's, and the file after the target into the user's turn where the family asks", () => {
    const rendered = renderChatPrompt({ text: QWEN25, file: 'chat_template.jinja' }, { kind: 'chat', system: 'Be brief.', fileAfterInUserTurn: true, source: '' }, {});
    expect(rendered.promptTemplate).toBe(
      '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\n{instruction}\n\nThe file continues after the code to write with:\n{suffix}<|im_end|>\n<|im_start|>assistant\n{code}',
    );
    expect(rendered.promptSource).toBe('chat_template.jinja, add_generation_prompt=True, system turn "Be brief.", the file after the last target in the user\'s turn (Builder\'s)');
  });

  it("passes the tokenizer's special tokens to the template, as transformers does", () => {
    const template = '{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}{% if add_generation_prompt %}>{% endif %}';
    expect(renderChatPrompt({ text: template, file: 'tokenizer_config.json' }, { kind: 'chat', source: '' }, { bos_token: '<s>', eos_token: { content: '</s>' } }).promptTemplate).toBe(
      '<s>{instruction}</s>>{code}',
    );
  });

  it('refuses, in one line, a template that does not render, drops the message, or writes a slot itself', () => {
    const cases: [string, RegExp][] = [
      ['{% for m in messages %}', /does not render/],
      ['{{ messages[0].content | upper }}', /does not write the user's message once/],
      ['{% for m in messages %}{{ m.content }}{{ m.content }}{% endfor %}', /does not write the user's message once/],
      ['{code}{% for m in messages %}{{ m.content }}{% endfor %}', /writes "\{code\}"/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        renderChatPrompt({ text, file: 'tokenizer_config.json' }, { kind: 'chat', source: '' }, {});
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
