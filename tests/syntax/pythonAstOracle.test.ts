/**
 * Python's own `ast` module as an oracle for our Python outline: every FunctionDef,
 * AsyncFunctionDef and ClassDef at any depth, with the same name, qualified name, lines and
 * UTF-8 byte span, in the same order.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toDefinition } from '../../src/syntax/outline';
import { analyze, fixturePath } from '../support/parser';

/**
 * Reads the source's bytes on stdin and prints the definitions as JSON. ast gives 1-based lines and
 * UTF-8 byte columns; a decorated definition starts at its first decorator's '@', which sits before
 * the decorator expression's col_offset (with optional blanks between them).
 */
const ORACLE = String.raw`
import ast, json, sys

data = sys.stdin.buffer.read()
line_starts = [0]
for i, b in enumerate(data):
    if b == 0x0A:
        line_starts.append(i + 1)

def byte(line, col):
    return line_starts[line - 1] + col

out = []

def visit(node, scope):
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if child.decorator_list:
                first = child.decorator_list[0]
                start_line = first.lineno
                start = byte(first.lineno, first.col_offset) - 1
                while data[start:start + 1] != b"@":
                    if data[start:start + 1] not in (b" ", b"\t"):
                        raise SystemExit("no @ before decorator at line %d" % first.lineno)
                    start -= 1
            else:
                start_line = child.lineno
                start = byte(child.lineno, child.col_offset)
            out.append({
                "name": child.name,
                "qualifiedName": ".".join(scope + [child.name]),
                "startLine": start_line,
                "endLine": child.end_lineno,
                "startByte": start,
                "endByte": byte(child.end_lineno, child.end_col_offset),
            })
            visit(child, scope + [child.name])
        else:
            visit(child, scope)

visit(ast.parse(data), [])
print(json.dumps(out))
`;

interface OracleDefinition {
  name: string;
  qualifiedName: string;
  startLine: number;
  endLine: number;
  startByte: number;
  endByte: number;
}

function astDefinitions(source: Buffer): OracleDefinition[] {
  let output: string;
  try {
    output = execFileSync('python3', ['-c', ORACLE], { input: source, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('python3 is not installed or not on PATH: the Python outline oracle test needs it (install Python 3.8 or newer).');
    }
    throw error;
  }
  return JSON.parse(output) as OracleDefinition[];
}

async function ourDefinitions(source: Buffer, fileName: string): Promise<OracleDefinition[]> {
  const analyzed = await analyze(source.toString('utf8'), fileName);
  try {
    expect(analyzed.language).toBe('python');
    return analyzed.outline.map(toDefinition).map(({ name, qualifiedName, startLine, endLine, startByte, endByte }) => ({
      name,
      qualifiedName,
      startLine,
      endLine,
      startByte,
      endByte,
    }));
  } finally {
    analyzed.parsed.delete();
  }
}

const inSourceOrder = (definitions: OracleDefinition[]) => [...definitions].sort((a, b) => a.startByte - b.startByte || b.endByte - a.endByte);

async function compareWithAst(source: Buffer, fileName: string): Promise<number> {
  const expected = inSourceOrder(astDefinitions(source));
  const actual = inSourceOrder(await ourDefinitions(source, fileName));
  expect(actual).toEqual(expected);
  return expected.length;
}

const realPythonFiles = readdirSync(fixturePath('real/python')).filter((f) => f.endsWith('.py'));
const syntheticPythonFiles = readdirSync(fixturePath('synthetic/python')).filter((f) => f.endsWith('.py'));

describe('Python outline against Python’s ast module', () => {
  it('finds python3 and the oracle works on a tiny input', () => {
    expect(astDefinitions(Buffer.from('@d\ndef f():\n    pass\n'))).toEqual([{ name: 'f', qualifiedName: 'f', startLine: 1, endLine: 3, startByte: 0, endByte: 20 }]);
  });

  it('has fixtures to compare', () => {
    expect(realPythonFiles.length).toBeGreaterThanOrEqual(2);
    expect(syntheticPythonFiles.length).toBeGreaterThanOrEqual(1);
  });

  it.each(realPythonFiles)('agrees on the real fixture %s', async (file) => {
    const count = await compareWithAst(readFileSync(fixturePath(`real/python/${file}`)), file);
    expect(count).toBeGreaterThan(10);
  });

  it.each(syntheticPythonFiles)('agrees on the synthetic fixture %s (decorators, async, nesting, non-ASCII, trailing comments)', async (file) => {
    const count = await compareWithAst(readFileSync(fixturePath(`synthetic/python/${file}`)), file);
    expect(count).toBeGreaterThanOrEqual(4);
  });

  it.each([...realPythonFiles.map((f) => `real/python/${f}`), ...syntheticPythonFiles.map((f) => `synthetic/python/${f}`)])('agrees on %s with CRLF line endings', async (path) => {
    const crlf = Buffer.from(readFileSync(fixturePath(path), 'utf8').replace(/\r?\n/g, '\r\n'), 'utf8');
    await compareWithAst(crlf, path.split('/').pop()!);
  });

  it('agrees on a file indented with tabs', async () => {
    const tabbed = Buffer.from('class T:\n\tdef a(self):\n\t\treturn "✓"\n\n\t@staticmethod\n\tdef b():\n\t\tdef c():\n\t\t\tpass\n\t\treturn c\n', 'utf8');
    expect(await compareWithAst(tabbed, 'tabs.py')).toBe(4);
  });
});
