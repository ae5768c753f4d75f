import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progressBar';

function recorder(isTTY: boolean) {
  const out = {
    text: '',
    isTTY,
    write: (t: string) => {
      out.text += t;
    },
  };
  return out;
}

describe('ProgressBar', () => {
  it('redraws one line on a terminal with bytes, tensors, speed and time left', () => {
    let now = 0;
    const stream = recorder(true);
    const bar = new ProgressBar(stream, () => now);
    bar.update({ phase: 'downloading', doneBytes: 0, totalBytes: 10e6 });
    now = 1000;
    bar.update({ phase: 'downloading', doneBytes: 2e6, totalBytes: 10e6, tensors: { done: 3, total: 12 } });
    expect(stream.text.split('\r\x1b[K').at(-1)).toBe('downloading [#####-------------------] 20% · 2.0 MB / 10.0 MB · 3/12 tensors · 2.0 MB/s · 4 s left');
    now = 1050;
    bar.update({ phase: 'downloading', doneBytes: 3e6, totalBytes: 10e6 });
    expect(stream.text).not.toContain('30%');
    bar.finishLine();
    expect(stream.text.endsWith('\n')).toBe(true);
    expect(stream.text.split('\n')).toHaveLength(2);
  });

  it('writes a plain line per tenth of each phase when the output is not a terminal', () => {
    let now = 0;
    const stream = recorder(false);
    const bar = new ProgressBar(stream, () => now);
    for (let done = 0; done <= 100; done += 5) {
      now += 100;
      bar.update({ phase: 'downloading', doneBytes: done, totalBytes: 100 });
    }
    bar.update({ phase: 'converting to q4', doneBytes: 100, totalBytes: 100 });
    const lines = stream.text.trimEnd().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines.at(-1)).toMatch(/^converting to q4 \[#{24}\] 100%/);
    expect(stream.text).not.toContain('\r');
  });
});
