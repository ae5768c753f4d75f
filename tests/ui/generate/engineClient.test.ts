import { beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../../src/models/backendChoice';
import { createDiffusionConfig } from '../../../src/models/diffusionConfig';
import type { GeneratedPatch } from '../../../src/plan/refactorPlan';
import { EngineClient, EngineError, type EngineWorker } from '../../../src/ui/generate/engineClient';
import type { EngineReply, EngineRequest } from '../../../src/worker/engineProtocol';

/** Stands in for the engine worker at the message boundary: records what the client sends, answers what the test says. */
class WorkerDouble implements EngineWorker {
  readonly received: EngineRequest[] = [];
  terminated = false;
  onmessage: EngineWorker['onmessage'] = null;
  onerror: EngineWorker['onerror'] = null;
  postMessage(message: EngineRequest): void {
    this.received.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(reply: EngineReply): void {
    this.onmessage?.call(this as unknown as Worker, new MessageEvent('message', { data: reply }));
  }
  crash(message: string): void {
    this.onerror?.call(this as unknown as Worker, Object.assign(new Event('error', { cancelable: true }), { message }) as ErrorEvent);
  }
}

const config = createDiffusionConfig({ preset: 'demo' });
const plan = { filePath: 'a.py', editTargets: ['f'], intent: 'x' };
const webgpu: Runtime = { backend: 'webgpu', precision: 'q4', label: 'WebGPU: test adapter', notices: [] };
const wasmAfterFault: Runtime = { backend: 'wasm', precision: 'q4', label: 'WASM: the GPU failed', notices: ['The GPU failed (device lost), so this generation ran again on WASM (CPU).'] };
const patch = { filePath: 'a.py' } as GeneratedPatch;

function clientWithWorkers() {
  const workers: WorkerDouble[] = [];
  const client = new EngineClient(() => {
    const worker = new WorkerDouble();
    workers.push(worker);
    return worker;
  });
  return { client, workers };
}

beforeAll(() => {
  (globalThis as { location?: unknown }).location ??= new URL('http://localhost:5173/app/');
});

describe('EngineClient', () => {
  it('sends one generate request, forwards its progress and resolves with its result', async () => {
    const { client, workers } = clientWithWorkers();
    const progress: unknown[] = [];
    const { id, result } = client.generate([plan], 'def f(): pass\n', config, 'body', (p) => progress.push(p));
    const request = workers[0]!.received[0]!;
    expect(request).toMatchObject({ id, type: 'generate', plans: [plan], siteUrl: 'http://localhost:5173/app/' });
    workers[0]!.answer({ id, type: 'progress', progress: { phase: 'loading', message: 'Loading' } });
    workers[0]!.answer({ id, type: 'result', patches: [patch], runtime: webgpu });
    await expect(result).resolves.toEqual({ patches: [patch], runtime: webgpu });
    expect(progress).toEqual([{ phase: 'loading', message: 'Loading' }]);
  });

  it('after a GPU fault, replaces the worker and runs the same request once more on WASM', async () => {
    const { client, workers } = clientWithWorkers();
    const { id, result } = client.generate([plan], 'src', config, 'body', () => undefined);
    workers[0]!.answer({ id, type: 'error', kind: 'gpu', message: 'device lost: destroyed' });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.received[0]).toMatchObject({ id, type: 'generate', plans: [plan], gpuFault: 'device lost: destroyed' });
    workers[1]!.answer({ id, type: 'result', patches: [patch], runtime: wasmAfterFault });
    await expect(result).resolves.toMatchObject({ runtime: wasmAfterFault });
  });

  it('retries a GPU fault only once', async () => {
    const { client, workers } = clientWithWorkers();
    const { id, result } = client.generate([plan], 'src', config, 'body', () => undefined);
    workers[0]!.answer({ id, type: 'error', kind: 'gpu', message: 'device lost' });
    workers[1]!.answer({ id, type: 'error', kind: 'gpu', message: 'out of memory' });
    await expect(result).rejects.toMatchObject({ kind: 'gpu', message: 'out of memory' });
    expect(workers).toHaveLength(2);
  });

  it('fails the requests of a crashed worker with a clear message and serves the next request from a fresh one', async () => {
    const { client, workers } = clientWithWorkers();
    const first = client.generate([plan], 'src', config, 'body', () => undefined);
    workers[0]!.crash('Uncaught RangeError: out of bounds');
    const error = await first.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ kind: 'internal' });
    expect((error as Error).message).toContain('out of bounds');
    expect((error as Error).message).toContain('Your code and earlier results are kept');
    expect(workers[0]!.terminated).toBe(true);
    const second = client.generate([plan], 'src', config, 'body', () => undefined);
    workers[1]!.answer({ id: second.id, type: 'result', patches: [patch], runtime: webgpu });
    await expect(second.result).resolves.toMatchObject({ patches: [patch] });
  });

  it('warms up with a prepare request and cancels by the generation id', async () => {
    const { client, workers } = clientWithWorkers();
    const { id: prepareId, ready } = client.prepare(config);
    const prepare = workers[0]!.received[0]!;
    expect(prepare.id).toBe(prepareId);
    expect(prepare).toMatchObject({ type: 'prepare', config });
    workers[0]!.answer({ id: prepare.id, type: 'ready', runtime: webgpu, warmUpMs: 12 });
    await expect(ready).resolves.toEqual({ runtime: webgpu, warmUpMs: 12 });
    const { id } = client.generate([plan], 'src', config, 'body', () => undefined);
    client.cancel(id);
    expect(workers[0]!.received.at(-1)).toMatchObject({ type: 'cancel', target: id });
  });

  it('rejects a reply of the wrong type instead of hanging', async () => {
    const { client, workers } = clientWithWorkers();
    const { ready } = client.prepare(config);
    workers[0]!.answer({ id: workers[0]!.received[0]!.id, type: 'result', patches: [], runtime: webgpu });
    await expect(ready).rejects.toThrow('answered a warm-up with "result"');
  });
});
