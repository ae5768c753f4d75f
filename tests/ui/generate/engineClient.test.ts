import { beforeAll, describe, expect, it } from 'vitest';
import { serializeError } from '../../../src/errors/errorTransfer';
import { InputError, UnknownTargetError } from '../../../src/errors/inputErrors';
import type { Runtime } from '../../../src/models/backendChoice';
import { createDiffusionConfig } from '../../../src/models/diffusionConfig';
import type { GeneratedPatch } from '../../../src/plan/refactorPlan';
import { EngineClient, EngineError, type EngineWorker } from '../../../src/ui/generate/engineClient';
import { ENGINE_ERRORS, type EngineReply, type EngineRequest } from '../../../src/worker/engineProtocol';

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
  /** Posts a reply as a worker does: structured clone, so only what survives it reaches the client. */
  answer(reply: EngineReply): void {
    this.onmessage?.call(this as unknown as Worker, new MessageEvent('message', { data: structuredClone(reply) }));
  }
  crash(message: string): void {
    this.onerror?.call(this as unknown as Worker, Object.assign(new Event('error', { cancelable: true }), { message }) as ErrorEvent);
  }
}

const config = createDiffusionConfig({ preset: 'demo' });
const plan = { filePath: 'a.py', editTargets: ['f'], intent: 'x', text: 'def f(): pass\n', maskMode: 'body' as const };
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

/** A GPU fault as the worker reports it. */
const gpuError = (message: string): Extract<EngineReply, { type: 'error' }>['error'] => serializeError(new Error(message), ENGINE_ERRORS);

describe('EngineClient', () => {
  it('sends one generate request with the plans and the page files, forwards its progress and resolves with its result', async () => {
    const { client, workers } = clientWithWorkers();
    const progress: unknown[] = [];
    const result = client.engine(config, { sources: { 'a.py': plan.text }, editorFile: 'a.py' }).generate([plan], { onProgress: (p) => progress.push(p) });
    const request = workers[0]!.received[0]!;
    expect(request).toMatchObject({ type: 'generate', plans: [plan], files: { sources: { 'a.py': plan.text }, editorFile: 'a.py' }, siteUrl: 'http://localhost:5173/app/' });
    workers[0]!.answer({ id: request.id, type: 'progress', progress: { phase: 'loading', message: 'Loading' } });
    workers[0]!.answer({ id: request.id, type: 'result', patches: [patch], runtime: webgpu });
    await expect(result).resolves.toEqual({ patches: [patch], runtime: webgpu });
    expect(progress).toEqual([{ phase: 'loading', message: 'Loading' }]);
  });

  it("rejects with the engine's own error class, message and fields: an UnknownTargetError's suggestions cross the worker", async () => {
    const { client, workers } = clientWithWorkers();
    const result = client.engine(config).generate([plan]);
    const thrown = new UnknownTargetError('No definition named "fo" in a.py. Did you mean: foo, for_each?', 'fo', ['foo', 'for_each']);
    workers[0]!.answer({ id: workers[0]!.received[0]!.id, type: 'error', kind: 'failed', error: serializeError(thrown, ENGINE_ERRORS) });
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTargetError);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ name: 'UnknownTargetError', message: thrown.message, target: 'fo', suggestions: ['foo', 'for_each'] });
  });

  it('turns an abort into a cancel message for the request, and rejects with the AbortError the worker answers', async () => {
    const { client, workers } = clientWithWorkers();
    const controller = new AbortController();
    const result = client.engine(config).generate([plan], { signal: controller.signal });
    const { id } = workers[0]!.received[0]!;
    controller.abort();
    expect(workers[0]!.received.at(-1)).toMatchObject({ type: 'cancel', target: id });
    workers[0]!.answer({ id, type: 'error', kind: 'cancelled', error: serializeError(new DOMException('This operation was aborted', 'AbortError'), ENGINE_ERRORS) });
    await expect(result).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends nothing for a signal already aborted', async () => {
    const { client, workers } = clientWithWorkers();
    const controller = new AbortController();
    controller.abort();
    await expect(client.engine(config).generate([plan], { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(client.prepare(config, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(workers[0]!.received).toEqual([]);
  });

  it('after a GPU fault, replaces the worker and runs the same request once more on WASM', async () => {
    const { client, workers } = clientWithWorkers();
    const result = client.engine(config).generate([plan]);
    const { id } = workers[0]!.received[0]!;
    workers[0]!.answer({ id, type: 'error', kind: 'gpu', error: gpuError('device lost: destroyed') });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1]!.received[0]).toMatchObject({ id, type: 'generate', plans: [plan], gpuFault: 'device lost: destroyed' });
    workers[1]!.answer({ id, type: 'result', patches: [patch], runtime: wasmAfterFault });
    await expect(result).resolves.toMatchObject({ runtime: wasmAfterFault });
  });

  it('retries a GPU fault only once', async () => {
    const { client, workers } = clientWithWorkers();
    const result = client.engine(config).generate([plan]);
    const { id } = workers[0]!.received[0]!;
    workers[0]!.answer({ id, type: 'error', kind: 'gpu', error: gpuError('device lost') });
    workers[1]!.answer({ id, type: 'error', kind: 'gpu', error: gpuError('out of memory') });
    await expect(result).rejects.toThrow('out of memory');
    expect(workers).toHaveLength(2);
  });

  it('fails the requests of a crashed worker with a clear message and serves the next request from a fresh one', async () => {
    const { client, workers } = clientWithWorkers();
    const first = client.engine(config).generate([plan]);
    workers[0]!.crash('Uncaught RangeError: out of bounds');
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toContain('out of bounds');
    expect((error as Error).message).toContain('Your code and earlier results are kept');
    expect(workers[0]!.terminated).toBe(true);
    const second = client.engine(config).generate([plan]);
    workers[1]!.answer({ id: workers[1]!.received[0]!.id, type: 'result', patches: [patch], runtime: webgpu });
    await expect(second).resolves.toMatchObject({ patches: [patch] });
  });

  it('warms up with a prepare request, and cancels it through its signal', async () => {
    const { client, workers } = clientWithWorkers();
    const ready = client.prepare(config);
    const prepare = workers[0]!.received[0]!;
    expect(prepare).toMatchObject({ type: 'prepare', config });
    workers[0]!.answer({ id: prepare.id, type: 'ready', runtime: webgpu, warmUpMs: 12 });
    await expect(ready).resolves.toEqual({ runtime: webgpu, warmUpMs: 12 });
    const controller = new AbortController();
    void client.prepare(config, { signal: controller.signal }).catch(() => undefined);
    controller.abort();
    expect(workers[0]!.received.at(-1)).toMatchObject({ type: 'cancel', target: workers[0]!.received[1]!.id });
  });

  it('rejects a reply of the wrong type instead of hanging', async () => {
    const { client, workers } = clientWithWorkers();
    const ready = client.prepare(config);
    workers[0]!.answer({ id: workers[0]!.received[0]!.id, type: 'result', patches: [], runtime: webgpu });
    await expect(ready).rejects.toThrow('answered a warm-up with "result"');
  });
});
