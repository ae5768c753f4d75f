import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { BackendResult, ModelCheckReply, ModelCheckRequest } from './modelCheckProtocol';

const MODELS = ['tiny-diffusion', 'tiny-autoregressive'];

/**
 * Runs a demo model (?model=) on WASM and on WebGPU in a worker and shows whether the two agree:
 * a page of e2e/modelBackends.test.ts, built and served for it by e2e/support/testPages.ts.
 */
function Diagnostics() {
  const params = new URLSearchParams(location.search);
  const model = params.get('model') ?? MODELS[0]!;
  const asked = params.get('precision');
  const precision = asked === 'fp32' || asked === 'q8' ? asked : 'q4';
  const [results, setResults] = useState<BackendResult[]>([]);
  const [status, setStatus] = useState('running');

  useEffect(() => {
    const worker = new Worker(new URL('./modelCheck.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }: MessageEvent<ModelCheckReply>) => {
      if (data.type === 'result') setResults((previous) => [...previous, data.result]);
      else setStatus(data.type === 'done' ? 'done' : `error: ${data.message}`);
    };
    const request: ModelCheckRequest = {
      type: 'check',
      modelUrl: new URL(`models/${model}/`, location.href).href,
      wasmUrl: new URL('wasm/', location.href).href,
      precision,
      text: 'def add(a, b):\n    return a + b\n',
    };
    worker.postMessage(request);
    return () => worker.terminate();
  }, [model, precision]);

  const [wasm, webgpu] = [results.find((r) => r.backend === 'wasm'), results.find((r) => r.backend === 'webgpu')];
  const agree = wasm?.ok && webgpu?.ok ? wasm.topIndices.every((id, i) => id === webgpu.topIndices[i]) : null;
  const maxDifference = wasm?.ok && webgpu?.ok ? Math.max(...wasm.topValues.map((v, i) => Math.abs(v - webgpu.topValues[i]!))) : null;

  return (
    <main>
      <h1>Model diagnostics</h1>
      <p>
        {model} ({precision}): <output aria-label="Status">{status}</output>
      </p>
      <table aria-label="Backends">
        <thead>
          <tr>
            <th>backend</th>
            <th>result</th>
            <th>time</th>
            <th>top tokens</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr
              key={r.backend}
              data-backend={r.backend}
              data-ok={r.ok}
              data-top={JSON.stringify(r.topIndices)}
              data-values={JSON.stringify(r.topValues)}
              data-through-cache={JSON.stringify(r.throughCache)}
            >
              <td>{r.backend}</td>
              <td>
                {r.ok ? 'ran' : 'failed'}: {r.detail}
              </td>
              <td>{r.milliseconds.toFixed(0)} ms</td>
              <td>{r.topIndices.slice(0, 5).join(' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {agree !== null && (
        <p role="note" aria-label="Agreement">
          {agree ? 'WebGPU and WASM agree' : 'WebGPU and WASM disagree'} on the top tokens; largest difference in their logits {maxDifference!.toExponential(2)}.
        </p>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Diagnostics />
  </StrictMode>,
);
