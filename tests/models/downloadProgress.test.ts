import { describe, expect, it } from 'vitest';
import { DownloadMeter, formatBytes, formatDuration } from '../../src/models/downloadProgress';

describe('download progress', () => {
  it('starts from what is already stored, with speed and time left unknown until time has passed', () => {
    const meter = new DownloadMeter(1000, 200, 0);
    expect(meter.snapshot('a', 'fetching', 0)).toEqual({ doneBytes: 200, totalBytes: 1000, bytesPerSecond: null, etaSeconds: null, file: 'a', phase: 'fetching' });
  });

  it('measures the speed over the last seconds and the time left at it', () => {
    const meter = new DownloadMeter(10_000, 0, 0);
    meter.add(1000, 1000);
    meter.add(1000, 2000);
    const snapshot = meter.snapshot('a', 'fetching', 2000);
    expect(snapshot.bytesPerSecond).toBe(1000);
    expect(snapshot.etaSeconds).toBe(8);
  });

  it('forgets old samples, so a stall shows as a falling speed', () => {
    const meter = new DownloadMeter(100_000, 0, 0);
    meter.add(50_000, 1000);
    meter.add(0, 20_000);
    meter.add(100, 21_000);
    expect(meter.snapshot('a', 'fetching', 21_000).bytesPerSecond).toBeLessThan(100);
  });

  it('counts bytes thrown away back, never below zero nor past the total, and ends at zero seconds left', () => {
    const meter = new DownloadMeter(1000, 0, 0);
    meter.add(600, 500);
    meter.add(-600, 600);
    expect(meter.snapshot('a', 'fetching', 600).doneBytes).toBe(0);
    meter.add(-5, 700);
    expect(meter.snapshot('a', 'fetching', 700).doneBytes).toBe(0);
    meter.add(5000, 800);
    expect(meter.snapshot('a', 'verifying', 800)).toMatchObject({ doneBytes: 1000, etaSeconds: 0 });
  });

  it('formats sizes and durations for the progress line', () => {
    expect([999, 1500, 56_612_345, 2.35e9].map(formatBytes)).toEqual(['999 B', '1.5 kB', '56.6 MB', '2.35 GB']);
    expect([0.2, 42, 61, 3725].map(formatDuration)).toEqual(['1 s', '42 s', '1 min 1 s', '1 h 2 min']);
  });
});
