import { createRng, type Rng } from '../../src/random/rng';

/**
 * The synthetic code task the known-answer checkpoints are trained on (training/README.md): small
 * files of small functions whose whole definition follows from the instruction, so every target has
 * exactly one right answer. A function maps each value of a list by one operation with one constant
 * (`scale_by_3` returns each value times 3); the instruction names it and says which of two ways to
 * write it, and that choice is the conditional part guidance steers. Some (operation, constant)
 * pairs are held out: no training file holds them, the tests regenerate them.
 */

export type TaskLanguage = 'python' | 'typescript';

/** How the body is written; the instruction decides. */
export type TaskVariant = 'loop' | 'compact';

interface Operation {
  /** The name's verb. */
  verb: string;
  /** How the instruction says it. */
  words: string;
  operator: string;
}

// Six operations, so that every constant is trained with five or six of them: with three, a model of
// two layers wrote a held-out pair's constant or operator wrong in half of the targets; with six (and
// training/run.sh's single run with weight decay) it writes all of them.
const OPERATIONS: readonly Operation[] = [
  { verb: 'scale', words: 'times', operator: '*' },
  { verb: 'shift', words: 'plus', operator: '+' },
  { verb: 'lower', words: 'minus', operator: '-' },
  { verb: 'divide', words: 'divided by', operator: '/' },
  { verb: 'wrap', words: 'modulo', operator: '%' },
  { verb: 'raise', words: 'to the power', operator: '**' },
];
const CONSTANTS = [2, 3, 4, 5, 6, 7, 8, 9] as const;

/** Pairs no training example holds, in either language. */
const HELD_OUT: readonly (readonly [string, number])[] = [
  ['scale', 7],
  ['shift', 4],
  ['lower', 9],
  ['scale', 5],
  ['shift', 8],
];

/** One function of the task. */
export interface TaskFunction {
  language: TaskLanguage;
  verb: string;
  constant: number;
  variant: TaskVariant;
}

/** A file of the task with one target in it. */
export interface TaskExample {
  language: TaskLanguage;
  fileName: string;
  text: string;
  /** The target's name as `builder patch --target` takes it. */
  target: string;
  /** The prompt that asks for the target as written. */
  instruction: string;
  function: TaskFunction;
}

const operationOf = (verb: string) => OPERATIONS.find((o) => o.verb === verb)!;

export function functionName(fn: Pick<TaskFunction, 'language' | 'verb' | 'constant'>): string {
  return fn.language === 'python' ? `${fn.verb}_by_${fn.constant}` : `${fn.verb}By${fn.constant}`;
}

/** The one right text of a function. */
export function functionText(fn: TaskFunction): string {
  const { operator, words } = operationOf(fn.verb);
  const name = functionName(fn);
  const expression = `value ${operator} ${fn.constant}`;
  if (fn.language === 'python') {
    const head = `def ${name}(values):\n    """Return each value ${words} ${fn.constant}."""\n`;
    return fn.variant === 'compact'
      ? `${head}    return [${expression} for value in values]`
      : `${head}    result = []\n    for value in values:\n        result.append(${expression})\n    return result`;
  }
  const head = `function ${name}(values: number[]): number[] {\n`;
  return fn.variant === 'compact'
    ? `${head}  return values.map((value) => ${expression});\n}`
    : `${head}  const result: number[] = [];\n  for (const value of values) {\n    result.push(${expression});\n  }\n  return result;\n}`;
}

/** The variant's words, as the language calls it. */
export function variantWords(language: TaskLanguage, variant: TaskVariant): string {
  if (variant === 'loop') return 'with a loop';
  return language === 'python' ? 'with a comprehension' : 'with map';
}

export function instructionFor(fn: TaskFunction): string {
  const { words } = operationOf(fn.verb);
  return `${functionName(fn)} returns each value ${words} ${fn.constant}, ${variantWords(fn.language, fn.variant)}.`;
}

/** Which variant a generated definition is written in, or null when it is neither. */
export function variantOf(language: TaskLanguage, text: string): TaskVariant | null {
  const loop = language === 'python' ? /for value in values:\n/ : /for \(const value of values\)/;
  const compact = language === 'python' ? /\[value .+ for value in values\]/ : /values\.map\(/;
  if (loop.test(text) && !compact.test(text)) return 'loop';
  if (compact.test(text) && !loop.test(text)) return 'compact';
  return null;
}

const isHeldOut = (verb: string, constant: number) => HELD_OUT.some(([v, c]) => v === verb && c === constant);

function pairs(heldOut: boolean): [string, number][] {
  return OPERATIONS.flatMap((o) => CONSTANTS.map((c) => [o.verb, c] as [string, number])).filter(([v, c]) => isHeldOut(v, c) === heldOut);
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng.nextFloat() * items.length)]!;

/**
 * The other function of a file: one without an operator or a constant, so that the instruction is
 * the only place the target's operation and constant can come from.
 */
const HELPERS: Readonly<Record<TaskLanguage, readonly string[]>> = {
  python: [
    'def largest(values):\n    """Return the largest value."""\n    return max(values)',
    'def smallest(values):\n    """Return the smallest value."""\n    return min(values)',
    'def count(values):\n    """Return how many values there are."""\n    return len(values)',
    'def first(values):\n    """Return the first value."""\n    return values[0]',
  ],
  typescript: [
    'function largest(values: number[]): number {\n  return Math.max(...values);\n}',
    'function smallest(values: number[]): number {\n  return Math.min(...values);\n}',
    'function count(values: number[]): number {\n  return values.length;\n}',
    'function first(values: number[]): number {\n  return values[0];\n}',
  ],
};

/**
 * A file of two functions, the target first and a helper after it: the instruction then always sits
 * the same number of tokens before the target, which a model of two layers learns to copy from in
 * minutes where a varying distance took it far longer.
 */
function exampleFile(rng: Rng, target: TaskFunction, index: number): TaskExample {
  const helper = pick(rng, HELPERS[target.language]);
  const separator = target.language === 'python' ? '\n\n\n' : '\n\n';
  const text = `${functionText(target)}${separator}${helper}\n`;
  const extension = target.language === 'python' ? 'py' : 'ts';
  return { language: target.language, fileName: `values_${index}.${extension}`, text, target: functionName(target), instruction: instructionFor(target), function: target };
}

/** Training files: random functions of the training pairs, `count` of them from `seed`. */
export function trainingExamples(count: number, seed: number): TaskExample[] {
  const rng = createRng(seed);
  const trainingPairs = pairs(false);
  return Array.from({ length: count }, (_, i) => {
    const [verb, constant] = pick(rng, trainingPairs);
    const fn: TaskFunction = { language: pick(rng, ['python', 'typescript'] as const), verb, constant, variant: pick(rng, ['loop', 'compact'] as const) };
    return exampleFile(rng, fn, i);
  });
}

/** The held-out targets: every held-out pair in both languages and both variants (20 files), the same every time. */
export function heldOutExamples(): TaskExample[] {
  const rng = createRng(25);
  const languages: TaskLanguage[] = ['python', 'typescript'];
  const variants: TaskVariant[] = ['loop', 'compact'];
  return pairs(true)
    .flatMap(([verb, constant]) => languages.flatMap((language) => variants.map((variant) => ({ language, verb, constant, variant }))))
    .map((fn, i) => exampleFile(rng, fn, i));
}
