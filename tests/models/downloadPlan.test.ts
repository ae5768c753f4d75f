import { describe, expect, it } from 'vitest';
import { filesForPrecision, fitsInQuota, isComplete, parseContentRange, planFile, quotaMessage, rangeAnswer, retryDelayMs } from '../../src/models/downloadPlan';

const file = (path: string, bytes = 100) => ({ path, bytes, sha256: 'a'.repeat(64) });
const FOLDER = ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data', 'onnx/model_fp16.onnx'].map((p) => file(p));

describe('download planning', () => {
  it('picks the files of one precision: config and tokenizer, its graph and its weights', () => {
    expect(filesForPrecision(FOLDER, 'q4').map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data']);
    expect(filesForPrecision(FOLDER, 'fp16').map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'onnx/model_fp16.onnx']);
    expect(() => filesForPrecision(FOLDER, 'q4f16')).toThrow('The manifest has no onnx/model_q4f16.onnx for q4f16; it has onnx/model.onnx, onnx/model_q4.onnx, onnx/model_fp16.onnx.');
  });

  it('keeps verified files, hashes whole unverified ones, resumes partial ones and restarts overlong ones', () => {
    const f = file('x', 100);
    expect(planFile(f, { x: f.sha256 }, 100)).toEqual({ action: 'keep' });
    expect(planFile(f, { x: 'b'.repeat(64) }, 100)).toEqual({ action: 'verify' });
    expect(planFile(f, {}, 100)).toEqual({ action: 'verify' });
    expect(planFile(f, { x: f.sha256 }, 40)).toEqual({ action: 'fetch', offset: 40 });
    expect(planFile(f, {}, undefined)).toEqual({ action: 'fetch', offset: 0 });
    expect(planFile(f, {}, 101)).toEqual({ action: 'fetch', offset: 0 });
  });

  it('calls an entry complete only when the marker lists every needed file with its sha256', () => {
    const files = [file('a'), file('b')];
    expect(isComplete(files, { a: files[0]!.sha256, b: files[1]!.sha256 })).toBe(true);
    expect(isComplete(files, { a: files[0]!.sha256 })).toBe(false);
    expect(isComplete(files, { a: files[0]!.sha256, b: 'c'.repeat(64) })).toBe(false);
  });

  it('reads Content-Range and tells a resumed answer from a restarted or wrong one', () => {
    expect(parseContentRange('bytes 100-199/200')).toEqual({ start: 100, end: 199, total: 200 });
    expect(parseContentRange('bytes 0-9/*')).toEqual({ start: 0, end: 9, total: null });
    expect(parseContentRange('items 0-9/10')).toBeNull();
    expect(parseContentRange(null)).toBeNull();
    expect(rangeAnswer(206, 'bytes 100-199/200', 100)).toBe('resume');
    expect(rangeAnswer(206, 'bytes 0-199/200', 100)).toBe('refuse');
    expect(rangeAnswer(200, null, 100)).toBe('restart');
    expect(rangeAnswer(416, 'bytes */200', 100)).toBe('refuse');
  });

  it('backs off exponentially up to a cap', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => retryDelayMs(n))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });

  it('checks the storage estimate and says the figures when it is short', () => {
    expect(fitsInQuota(100, { usage: 800, quota: 1000 })).toBe(true);
    expect(fitsInQuota(300, { usage: 800, quota: 1000 })).toBe(false);
    expect(fitsInQuota(300, {})).toBe(true);
    expect(quotaMessage('open-dcoder-0.5b', 860e6, { usage: 2e9, quota: 2.5e9 })).toBe(
      'Not enough storage for open-dcoder-0.5b: it needs 860.0 MB more and this site uses 2000.0 MB of the 2500.0 MB the browser allows it (500.0 MB free). Delete other models or free disk space, then try again.',
    );
    expect(quotaMessage('x', 1e6, {})).toMatch(/the browser does not say how much it allows/);
  });
});
