import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InputError } from '../errors/inputErrors';
import type { Backend } from '../models/backendChoice';
import type { OrtRuntime } from './ortSession';

/**
 * onnxruntime-node, for the CLI only: the app's bundle must never reach it (no model file the
 * worker loads imports this one, and the package is imported dynamically), and its native binary
 * may fail to load on a platform it was not built for.
 */
export type NativeRuntime = OrtRuntime & {
  /** Whether the CUDA execution provider's library is installed beside the binding. */
  readonly hasCuda: boolean;
};

/**
 * The CUDA provider is not in the npm package (too large for the registry); onnxruntime-node's
 * install script fetches it (node_modules/onnxruntime-node/script/install-metadata.js lists
 * libonnxruntime_providers_cuda.so for linux/x64), which this project leaves off (package.json's
 * allowScripts): docs/cli.md says how to run it.
 */
const CUDA_PROVIDER = 'libonnxruntime_providers_cuda.so';

export const CUDA_INSTALL_HINT = 'node node_modules/onnxruntime-node/script/install.js --onnxruntime-node-install=cuda12 (CUDA 12 and cuDNN 9 must be installed; see docs/cli.md)';

const require = createRequire(import.meta.url);

/** Where the binding of this platform is: the provider libraries are looked up beside it. */
function bindingFolder(): string {
  return join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

let loaded: Promise<NativeRuntime> | undefined;

/** onnxruntime-node, or a rejection saying why it does not load here. */
export function loadNativeRuntime(): Promise<NativeRuntime> {
  loaded ??= (async () => {
    const ort = await import('onnxruntime-node');
    const hasCuda = existsSync(join(bindingFolder(), CUDA_PROVIDER));
    return {
      InferenceSession: ort.InferenceSession as unknown as OrtRuntime['InferenceSession'],
      Tensor: ort.Tensor as unknown as OrtRuntime['Tensor'],
      hasCuda,
      sessionOptions(backend: Backend) {
        if (backend === 'native') return { executionProviders: ['cpu'] };
        if (backend === 'cuda') {
          if (!hasCuda) throw new InputError(cudaMissingMessage());
          return { executionProviders: ['cuda'] };
        }
        throw new Error(`onnxruntime-node does not run the ${backend} backend`);
      },
    };
  })();
  return loaded;
}

/** The one line a run with --backend cuda gets where the CUDA provider is not installed. */
export function cudaMissingMessage(): string {
  return `--backend cuda: onnxruntime-node's CUDA execution provider is not installed here (no ${CUDA_PROVIDER}); install it with ${CUDA_INSTALL_HINT}, or use --backend native.`;
}
