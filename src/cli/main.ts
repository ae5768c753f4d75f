import { parseArgs } from 'node:util';
import { InputError } from '../errors/inputErrors';
import { SAMPLING_OPTIONS } from './samplingOptions';
import { USAGE } from './usage';

// Each command's module is loaded when it runs: the bench alone (Vite, Playwright) costs seconds
// of start-up that `builder --help` or `builder patch` should not pay.

function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function onlyFile(positionals: string[], command: string): string {
  if (positionals.length !== 1) throw new InputError(`builder ${command} takes one FILE; see builder --help.`);
  return positionals[0]!;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'outline') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { language: { type: 'string' }, json: { type: 'boolean', default: false } },
    });
    return (await import('./outlineCommand')).outlineCommand({ file: onlyFile(positionals, command), language: values.language, json: values.json });
  }
  if (command === 'mask') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        target: { type: 'string', multiple: true },
        at: { type: 'string' },
        mode: { type: 'string' },
        language: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    return (await import('./maskCommand')).maskCommand({ file: onlyFile(positionals, command), targets: splitList(values.target), ...values });
  }
  if (command === 'tiny-model') {
    const { values } = parseArgs({ args: rest, options: { kind: { type: 'string' }, out: { type: 'string' }, seed: { type: 'string' } } });
    return (await import('./tinyModelCommand')).tinyModelCommand(values);
  }
  if (command === 'convert') {
    const { values } = parseArgs({
      args: rest,
      options: {
        from: { type: 'string' },
        out: { type: 'string' },
        quant: { type: 'string' },
        kind: { type: 'string' },
        id: { type: 'string' },
        family: { type: 'string' },
        'logits-shift': { type: 'string' },
        'mask-token': { type: 'string' },
      },
    });
    return (await import('./convertCommand')).convertCommand({ ...values, logitsShift: values['logits-shift'], maskToken: values['mask-token'] });
  }
  if (command === 'patch') {
    const { values } = parseArgs({
      args: rest,
      options: {
        ...SAMPLING_OPTIONS,
        file: { type: 'string' },
        target: { type: 'string', multiple: true },
        prompt: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'string' },
        language: { type: 'string' },
        mode: { type: 'string' },
      },
    });
    return (await import('./patchCommand')).patchCommand({ ...values, targets: splitList(values.target) });
  }
  if (command === 'batch') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        ...SAMPLING_OPTIONS,
        plans: { type: 'string' },
        'out-dir': { type: 'string' },
        root: { type: 'string' },
        out: { type: 'string' },
        apply: { type: 'boolean', default: false },
        shard: { type: 'string' },
        json: { type: 'string' },
        merge: { type: 'boolean', default: false },
      },
    });
    return (await import('./batchCommand')).batchCommand({ ...values, patches: positionals });
  }
  if (command === 'pull') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { out: { type: 'string' }, quant: { type: 'string' }, kind: { type: 'string' }, family: { type: 'string' } },
    });
    if (positionals.length > 1) throw new InputError('builder pull takes one REPO[@REVISION]; see builder --help.');
    return (await import('./pullCommand')).pullCommand({ ...values, reference: positionals[0] });
  }
  if (command === 'plan') {
    const { values } = parseArgs({
      args: rest,
      options: { root: { type: 'string' }, target: { type: 'string', multiple: true }, prompt: { type: 'string' }, out: { type: 'string' }, budget: { type: 'string' } },
    });
    return (await import('./planCommand')).planCommand({ ...values, targets: values.target ?? [] });
  }
  if (command === 'eval') {
    const { values } = parseArgs({
      args: rest,
      options: {
        ...SAMPLING_OPTIONS,
        data: { type: 'string' },
        out: { type: 'string' },
        limit: { type: 'string' },
        length: { type: 'string' },
        timeout: { type: 'string' },
        oracle: { type: 'boolean', default: false },
        'empty-middle': { type: 'boolean', default: false },
        markdown: { type: 'boolean', default: false },
      },
    });
    return (await import('./evalCommand')).evalCommand(values);
  }
  if (command === 'sample') {
    const { values } = parseArgs({
      args: rest,
      options: { model: { type: 'string' }, input: { type: 'string' }, json: { type: 'string' }, quant: { type: 'string' }, precision: { type: 'string' }, backend: { type: 'string' } },
    });
    return (await import('./sampleCommand')).sampleCommand(values);
  }
  if (command === 'bench') {
    const { values } = parseArgs({
      args: rest,
      options: { json: { type: 'string' }, docs: { type: 'string' }, browser: { type: 'boolean', default: false }, quick: { type: 'boolean', default: false }, section: { type: 'string' } },
    });
    return (await import('./benchCommand')).benchCommand(values);
  }
  throw new InputError(`Unknown command "${command}"; see builder --help.`);
}

function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * Exits as soon as stdout and stderr have taken everything written. Left to end by itself, a
 * process that ran a model waits on V8 finishing its background compilation of onnxruntime's
 * WebAssembly (about 1.3 s after a demo-model patch here; none with --liftoff-only), though the
 * command is done. A write's callback runs once its data is handed on, so pipes lose nothing.
 */
function exitWhenFlushed(): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit()));
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof InputError || isUsageError(error)) {
    // One line, always: some messages (Node's argument parser's) span several.
    process.stderr.write(`builder: ${(error as Error).message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`builder: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.BUILDER_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}
exitWhenFlushed();
