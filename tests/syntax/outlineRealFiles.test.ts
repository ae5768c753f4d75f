import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzedSource } from '../../src/syntax/analyzeSource';
import type { OutlineEntry } from '../../src/syntax/outline';
import { analyze, fixturePath } from '../support/parser';

/** Every real fixture, as `language/file`. */
const FIXTURES: string[] = readdirSync(fixturePath('real'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) => readdirSync(fixturePath(`real/${folder.name}`)).map((file) => `${folder.name}/${file}`))
  .sort();

interface Loaded {
  bytes: Buffer;
  text: string;
  analyzed: AnalyzedSource;
}

const loaded = new Map<string, Loaded>();

beforeAll(async () => {
  for (const fixture of FIXTURES) {
    const bytes = readFileSync(fixturePath(`real/${fixture}`));
    const text = bytes.toString('utf8');
    loaded.set(fixture, { bytes, text, analyzed: await analyze(text, fixture.split('/')[1]!) });
  }
});

afterAll(() => {
  for (const { analyzed } of loaded.values()) analyzed.parsed.delete();
});

const get = (fixture: string): Loaded => loaded.get(fixture)!;
const outlineOf = (fixture: string): OutlineEntry[] => get(fixture).analyzed.outline;

/** The entries with this qualified name, as [kind, startLine, endLine]. */
const find = (fixture: string, qualifiedName: string) =>
  outlineOf(fixture)
    .filter((e) => e.qualifiedName === qualifiedName)
    .map((e) => [e.kind, e.startLine, e.endLine]);

describe('outline of every real fixture: invariants', () => {
  it('covers 28 fixtures in 13 languages (two of them the long files)', () => {
    expect(FIXTURES).toHaveLength(28);
    expect(new Set(FIXTURES.map((f) => f.split('/')[0]))).toHaveProperty('size', 13);
  });

  describe.each(FIXTURES)('%s', (fixture) => {
    it('detects the language of its folder from the file name', () => {
      expect(get(fixture).analyzed.language).toBe(fixture.split('/')[0]);
    });

    it('has a non-empty outline', () => {
      expect(outlineOf(fixture).length).toBeGreaterThan(0);
    });

    it('keeps lines within the file, first <= last', () => {
      const lineCount = get(fixture).text.split('\n').length;
      for (const e of outlineOf(fixture)) {
        expect(e.startLine, e.qualifiedName).toBeGreaterThanOrEqual(1);
        expect(e.startLine, e.qualifiedName).toBeLessThanOrEqual(e.endLine);
        expect(e.endLine, e.qualifiedName).toBeLessThanOrEqual(lineCount);
      }
    });

    it('keeps bytes within the file, start < end', () => {
      const size = get(fixture).bytes.length;
      for (const e of outlineOf(fixture)) {
        expect(e.startByte, e.qualifiedName).toBeGreaterThanOrEqual(0);
        expect(e.startByte, e.qualifiedName).toBeLessThan(e.endByte);
        expect(e.endByte, e.qualifiedName).toBeLessThanOrEqual(size);
      }
    });

    it('has byte spans that hold the same text as the UTF-16 ranges', () => {
      const { bytes, text } = get(fixture);
      for (const e of outlineOf(fixture)) {
        expect(bytes.subarray(e.startByte, e.endByte).toString('utf8'), e.qualifiedName).toBe(text.slice(e.range.start, e.range.end));
      }
    });

    it('has lines that agree with the bytes: the span starts on startLine and ends on endLine', () => {
      const { bytes } = get(fixture);
      const lineOfByte = (byte: number) => bytes.subarray(0, byte).filter((b) => b === 0x0a).length + 1;
      for (const e of outlineOf(fixture)) {
        expect(lineOfByte(e.startByte), e.qualifiedName).toBe(e.startLine);
        expect(lineOfByte(e.endByte - 1), e.qualifiedName).toBe(e.endLine);
      }
    });

    it('lists entries in source order, outer before inner', () => {
      const entries = outlineOf(fixture);
      for (let i = 1; i < entries.length; i++) {
        const [a, b] = [entries[i - 1]!, entries[i]!];
        expect(a.startByte < b.startByte || (a.startByte === b.startByte && a.endByte >= b.endByte), `${a.qualifiedName} before ${b.qualifiedName}`).toBe(true);
      }
    });

    it('has qualified names that end with the name', () => {
      for (const e of outlineOf(fixture)) {
        expect(e.name).not.toBe('');
        expect(e.qualifiedName === e.name || e.qualifiedName.endsWith(`.${e.name}`), e.qualifiedName).toBe(true);
      }
    });

    it('nests each entry inside the entries its qualified name passes through', () => {
      const entries = outlineOf(fixture);
      for (const e of entries) {
        const parentName = e.qualifiedName.slice(0, -(e.name.length + 1));
        if (!parentName) continue;
        const parents = entries.filter((p) => p.qualifiedName === parentName && p.range.start <= e.range.start && e.range.end <= p.range.end);
        // Out-of-line C++ methods, Go methods and JS prototype assignments name their type without being inside it.
        const scopedOutside = ['cpp', 'go', 'javascript'].includes(e.language) && parents.length === 0;
        if (!scopedOutside) expect(parents.length, `${e.qualifiedName} inside ${parentName}`).toBeGreaterThan(0);
      }
    });

    it('has a body range inside the definition range', () => {
      for (const e of outlineOf(fixture)) {
        if (!e.bodyRange) continue;
        expect(e.bodyRange.start, e.qualifiedName).toBeGreaterThan(e.range.start);
        expect(e.bodyRange.end, e.qualifiedName).toBeLessThanOrEqual(e.range.end);
      }
    });
  });
});

describe('outline of real fixtures: spot checks (read off the files)', () => {
  it('python/_urls.py: classes, __init__ and @property methods starting at the decorator', () => {
    expect(find('python/_urls.py', 'URL')).toEqual([['class', 15, 417]]);
    expect(find('python/_urls.py', 'URL.__init__')).toEqual([['method', 77, 124]]);
    expect(find('python/_urls.py', 'URL.host')).toEqual([['method', 168, 193]]);
    expect(find('python/_urls.py', 'QueryParams.__init__')).toEqual([['method', 425, 461]]);
  });

  it('python/default.py: a @contextlib.contextmanager function starts at its decorator', () => {
    expect(find('python/default.py', 'map_httpcore_exceptions')).toEqual([['function', 95, 118]]);
    expect(find('python/default.py', 'AsyncHTTPTransport.handle_async_request')).toEqual([['method', 374, 403]]);
  });

  it('go/errors.go: methods on Error and on errorMsgs, both named JSON', () => {
    expect(find('go/errors.go', 'Error')).toEqual([['struct', 32, 36]]);
    expect(find('go/errors.go', 'Error.JSON')).toEqual([['method', 55, 74]]);
    expect(find('go/errors.go', 'errorMsgs.JSON')).toEqual([['method', 141, 154]]);
  });

  it('go/flag_groups.go: pointer-receiver methods on Command', () => {
    expect(find('go/flag_groups.go', 'Command.ValidateFlagGroups')).toEqual([['method', 81, 109]]);
    expect(find('go/flag_groups.go', 'hasAllFlags')).toEqual([['function', 111, 119]]);
  });

  it('rust/stats.rs: the struct with its derive, and both add_assign impls', () => {
    expect(find('rust/stats.rs', 'Stats').filter(([kind]) => kind === 'struct')).toEqual([['struct', 12, 21]]);
    expect(find('rust/stats.rs', 'Stats.add_assign')).toEqual([
      ['method', 133, 135],
      ['method', 139, 147],
    ]);
  });

  it('rust/key.rs: a trait and a method of the Key impl', () => {
    expect(find('rust/key.rs', 'ToKey')).toEqual([['trait', 8, 11]]);
    expect(find('rust/key.rs', 'Key.from_str')).toEqual([['method', 44, 49]]); // the #[allow] attribute on line 44 belongs to the fn
  });

  it('cpp/cache.cc: out-of-line LRUCache::Insert and the Cache destructor', () => {
    expect(find('cpp/cache.cc', 'LRUCache.Insert')).toEqual([['method', 267, 304]]);
    expect(find('cpp/cache.cc', 'Cache.~Cache')).toEqual([['method', 18, 18]]);
    expect(find('cpp/cache.cc', 'HandleTable')).toEqual([['class', 70, 148]]);
  });

  it('cpp/gtest-printers.cc: free functions, with overloads listed once each', () => {
    expect(find('cpp/gtest-printers.cc', 'PrintCharAndCodeTo')).toEqual([['function', 252, 274]]);
    expect(find('cpp/gtest-printers.cc', 'PrintTo').length).toBeGreaterThanOrEqual(10);
  });

  it('c/dict.c and c/timer.c: functions with pointer return types and multi-line parameters', () => {
    expect(find('c/dict.c', 'dictCreate')).toEqual([['function', 74, 81]]);
    expect(find('c/timer.c', 'uv_timer_start')).toEqual([['function', 67, 94]]);
  });

  it('javascript/view.js: the constructor function and its prototype methods', () => {
    expect(find('javascript/view.js', 'View')).toEqual([['function', 52, 95]]);
    expect(find('javascript/view.js', 'View.render')).toEqual([['method', 133, 159]]);
    expect(find('javascript/view.js', 'tryStat')).toEqual([['function', 197, 205]]);
  });

  it('javascript/AxiosHeaders.js: class methods and a function nested in a method', () => {
    expect(find('javascript/AxiosHeaders.js', 'AxiosHeaders.has')).toEqual([['method', 144, 154]]);
    expect(find('javascript/AxiosHeaders.js', 'AxiosHeaders.set.setHeader')).toEqual([['function', 82, 94]]);
  });

  it('typescript/priority-queue.ts and merge.ts', () => {
    expect(find('typescript/priority-queue.ts', 'PriorityQueue')).toEqual([['class', 11, 128]]);
    expect(find('typescript/priority-queue.ts', 'PriorityQueue.enqueue')).toEqual([['method', 17, 48]]);
    expect(find('typescript/merge.ts', 'deepMerge')).toEqual([['function', 323, 324]]);
  });

  it('tsx/raycast.tsx: exported and plain function components', () => {
    expect(find('tsx/raycast.tsx', 'RaycastCMDK')).toEqual([['function', 7, 95]]);
    expect(find('tsx/raycast.tsx', 'SubItem')).toEqual([['function', 200, 211]]);
  });

  it('java/JsonPrimitive.java: annotated constructors and methods start at the annotation', () => {
    expect(find('java/JsonPrimitive.java', 'JsonPrimitive.JsonPrimitive')[0]).toEqual(['constructor', 47, 50]);
    expect(find('java/JsonPrimitive.java', 'JsonPrimitive.getAsBoolean')).toEqual([['method', 113, 120]]);
  });

  it('csharp/JProperty.cs: a nested private class', () => {
    expect(find('csharp/JProperty.cs', 'JProperty')).toEqual([['class', 39, 415]]);
    expect(find('csharp/JProperty.cs', 'JProperty.JPropertyList')).toEqual([['class', 42, 139]]);
  });

  it('ruby/namespace.rb and indifferent_hash.rb: modules, def self.x and bang methods', () => {
    expect(find('ruby/namespace.rb', 'Sinatra.Namespace.NamespacedMethods.prefixed')).toEqual([
      ['method', 237, 239],
      ['method', 347, 353],
    ]);
    expect(find('ruby/indifferent_hash.rb', 'Sinatra.IndifferentHash.merge!')).toEqual([['method', 125, 139]]);
  });

  it('php/Stream.php and UriResolver.php: constructors and static methods', () => {
    expect(find('php/Stream.php', 'Stream.__construct')).toEqual([['method', 50, 67]]);
    expect(find('php/UriResolver.php', 'UriResolver.removeDotSegments')).toEqual([['method', 23, 51]]);
  });

  it('bash/install.sh and lint.bash: functions, dotted names included', () => {
    expect(find('bash/install.sh', 'nvm_do_install')).toEqual([['function', 401, 518]]);
    expect(find('bash/lint.bash', 'print.info')).toEqual([['function', 6, 8]]);
  });
});
