import { describe, expect, it } from 'vitest';
import type { LanguageId } from '../../src/syntax/languages';
import { type OutlineEntry, toDefinition } from '../../src/syntax/outline';
import { analyze } from '../support/parser';

/** The outline of a snippet, after checking that it parses without a single syntax error. */
async function outlineOf(text: string, fileName: string, language?: LanguageId): Promise<OutlineEntry[]> {
  const analyzed = await analyze(text, fileName, language);
  try {
    expect(analyzed.issues, 'the snippet should be valid code').toEqual([]);
    return analyzed.outline;
  } finally {
    analyzed.parsed.delete();
  }
}

const rows = (entries: readonly OutlineEntry[]) => entries.map(({ qualifiedName, kind, startLine, endLine }) => ({ qualifiedName, kind, startLine, endLine }));

const byName = (entries: readonly OutlineEntry[], qualifiedName: string): OutlineEntry => {
  const found = entries.filter((e) => e.qualifiedName === qualifiedName);
  expect(found, `one entry named ${qualifiedName}`).toHaveLength(1);
  return found[0]!;
};

/**
 * UTF-8 byte offsets of the text from the start of `first` to the end of `last` (searched from
 * `first` on), computed with Buffer, independently of SourceText.
 */
function bytesOf(text: string, first: string, last: string): { startByte: number; endByte: number } {
  const start = text.indexOf(first);
  const lastAt = text.indexOf(last, start);
  if (start === -1 || lastAt === -1) throw new Error(`markers not found: ${first} / ${last}`);
  const end = lastAt + last.length;
  return { startByte: Buffer.byteLength(text.slice(0, start)), endByte: Buffer.byteLength(text.slice(0, end)) };
}

describe('outline: Python', () => {
  const source = `import functools


def plain(a, b):
    return a + b


@functools.lru_cache(maxsize=None)
@staticmethod
def decorated():
    pass


async def fetch(url):
    async with session() as s:
        return await s.get(url)


def outer():
    def inner():
        return 1
    return inner


class Shape:
    """Doc."""

    def __init__(self):
        self.sides = 0

    @property
    def area(self):
        return 0

    async def load(self):
        def helper():
            pass
        return helper

    class Meta:
        ordering = ["x"]
`;

  it('lists functions, async defs, nested defs, classes and methods with their lines', async () => {
    expect(rows(await outlineOf(source, 'shapes.py'))).toEqual([
      { qualifiedName: 'plain', kind: 'function', startLine: 4, endLine: 5 },
      { qualifiedName: 'decorated', kind: 'function', startLine: 8, endLine: 11 },
      { qualifiedName: 'fetch', kind: 'function', startLine: 14, endLine: 16 },
      { qualifiedName: 'outer', kind: 'function', startLine: 19, endLine: 22 },
      { qualifiedName: 'outer.inner', kind: 'function', startLine: 20, endLine: 21 },
      { qualifiedName: 'Shape', kind: 'class', startLine: 25, endLine: 41 },
      { qualifiedName: 'Shape.__init__', kind: 'method', startLine: 28, endLine: 29 },
      { qualifiedName: 'Shape.area', kind: 'method', startLine: 31, endLine: 33 },
      { qualifiedName: 'Shape.load', kind: 'method', startLine: 35, endLine: 38 },
      { qualifiedName: 'Shape.load.helper', kind: 'function', startLine: 36, endLine: 37 },
      { qualifiedName: 'Shape.Meta', kind: 'class', startLine: 40, endLine: 41 },
    ]);
  });

  it('starts a decorated definition at its first decorator', async () => {
    const entries = await outlineOf(source, 'shapes.py');
    const decorated = byName(entries, 'decorated');
    expect(decorated).toMatchObject(bytesOf(source, '@functools.lru_cache', '    pass'));
    expect(source.slice(decorated.range.start, decorated.range.end)).toBe('@functools.lru_cache(maxsize=None)\n@staticmethod\ndef decorated():\n    pass');
    expect(byName(entries, 'Shape.area')).toMatchObject(bytesOf(source, '@property', 'return 0'));
  });

  it('gives the name without enclosing scopes and the language', async () => {
    const helper = byName(await outlineOf(source, 'shapes.py'), 'Shape.load.helper');
    expect(helper.name).toBe('helper');
    expect(helper.language).toBe('python');
  });

  it('keeps only the contract fields in toDefinition', async () => {
    const entry = byName(await outlineOf(source, 'shapes.py'), 'plain');
    expect(toDefinition(entry)).toEqual({
      name: 'plain',
      qualifiedName: 'plain',
      kind: 'function',
      language: 'python',
      startLine: 4,
      endLine: 5,
      ...bytesOf(source, 'def plain', 'return a + b'),
    });
  });
});

describe('outline: TypeScript', () => {
  const source = `import { Injectable } from './di';

function plain(x: number): number {
  return x * 2;
}

export function exported(): void {}

const arrow = (a: string): string => a.trim();

export const bound = function named() {
  return 0;
};

let a = 1, b = () => 2;

interface Shape {
  area(): number;
}

enum Color {
  Red,
  Green,
}

@Injectable()
export class Service {
  private count = 0;

  handler = (event: Event): void => {
    this.count++;
  };

  constructor(private readonly name: string) {}

  @Log()
  @Memo
  compute(): number {
    return this.count;
  }

  static create(): Service {
    return new Service('x');
  }
}

abstract class Base {
  abstract run(): void;
  go(): void {}
}

type Fn = () => void;
`;

  it('lists functions, bound arrows and function expressions, interfaces, enums, classes and methods', async () => {
    expect(rows(await outlineOf(source, 'service.ts'))).toEqual([
      { qualifiedName: 'plain', kind: 'function', startLine: 3, endLine: 5 },
      { qualifiedName: 'exported', kind: 'function', startLine: 7, endLine: 7 },
      { qualifiedName: 'arrow', kind: 'function', startLine: 9, endLine: 9 },
      { qualifiedName: 'bound', kind: 'function', startLine: 11, endLine: 13 },
      { qualifiedName: 'b', kind: 'function', startLine: 15, endLine: 15 },
      { qualifiedName: 'Shape', kind: 'interface', startLine: 17, endLine: 19 },
      { qualifiedName: 'Color', kind: 'enum', startLine: 21, endLine: 24 },
      { qualifiedName: 'Service', kind: 'class', startLine: 26, endLine: 45 },
      { qualifiedName: 'Service.handler', kind: 'method', startLine: 30, endLine: 32 },
      { qualifiedName: 'Service.constructor', kind: 'method', startLine: 34, endLine: 34 },
      { qualifiedName: 'Service.compute', kind: 'method', startLine: 36, endLine: 40 },
      { qualifiedName: 'Service.create', kind: 'method', startLine: 42, endLine: 44 },
      { qualifiedName: 'Base', kind: 'class', startLine: 47, endLine: 50 },
      { qualifiedName: 'Base.go', kind: 'method', startLine: 49, endLine: 49 },
    ]);
  });

  it('includes export, decorators and the whole const declaration in the spans', async () => {
    const entries = await outlineOf(source, 'service.ts');
    expect(byName(entries, 'exported')).toMatchObject(bytesOf(source, 'export function exported', '{}'));
    expect(byName(entries, 'bound')).toMatchObject(bytesOf(source, 'export const bound', '};'));
    expect(byName(entries, 'arrow')).toMatchObject(bytesOf(source, 'const arrow', 'a.trim();'));
    expect(byName(entries, 'Service')).toMatchObject(bytesOf(source, '@Injectable()', "new Service('x');\n  }\n}"));
    expect(byName(entries, 'Service.compute')).toMatchObject(bytesOf(source, '@Log()', 'return this.count;\n  }'));
    expect(byName(entries, 'Service.handler')).toMatchObject(bytesOf(source, 'handler =', 'this.count++;\n  }'));
  });

  it('takes only the declarator when a declaration binds several names', async () => {
    expect(byName(await outlineOf(source, 'service.ts'), 'b')).toMatchObject(bytesOf(source, 'b = () => 2', '2'));
  });

  it('names an anonymous default-exported function "default"', async () => {
    const text = 'export default function () {\n  return 1;\n}\n';
    const entries = await outlineOf(text, 'index.ts');
    expect(entries.map(toDefinition)).toEqual([{ name: 'default', qualifiedName: 'default', kind: 'function', language: 'typescript', startLine: 1, endLine: 3, startByte: 0, endByte: 42 }]);
  });

  it('uses the name of a named default export', async () => {
    const text = 'export default class Store {\n  get(): number {\n    return 1;\n  }\n}\n';
    expect(rows(await outlineOf(text, 'store.ts'))).toEqual([
      { qualifiedName: 'Store', kind: 'class', startLine: 1, endLine: 5 },
      { qualifiedName: 'Store.get', kind: 'method', startLine: 2, endLine: 4 },
    ]);
  });
});

describe('outline: TSX', () => {
  const source = `import React from 'react';

interface ButtonProps {
  label: string;
}

export function Button({ label }: ButtonProps) {
  return <button>{label}</button>;
}

export const Card = ({ title }: { title: string }) => (
  <div className="card">{title}</div>
);

export default class Page extends React.Component {
  render() {
    return <Card title="x" />;
  }
}
`;

  it('lists components, the props interface and class components', async () => {
    expect(rows(await outlineOf(source, 'page.tsx'))).toEqual([
      { qualifiedName: 'ButtonProps', kind: 'interface', startLine: 3, endLine: 5 },
      { qualifiedName: 'Button', kind: 'function', startLine: 7, endLine: 9 },
      { qualifiedName: 'Card', kind: 'function', startLine: 11, endLine: 13 },
      { qualifiedName: 'Page', kind: 'class', startLine: 15, endLine: 19 },
      { qualifiedName: 'Page.render', kind: 'method', startLine: 16, endLine: 18 },
    ]);
  });

  it('starts an exported component at export', async () => {
    const entries = await outlineOf(source, 'page.tsx');
    expect(byName(entries, 'Card')).toMatchObject(bytesOf(source, 'export const Card', ');'));
    expect(byName(entries, 'Page')).toMatchObject(bytesOf(source, 'export default class Page', '  }\n}'));
  });
});

describe('outline: JavaScript', () => {
  const source = `'use strict';

function View(name) {
  this.name = name;
}

View.prototype.render = function render(options, callback) {
  callback(null, this.name);
};

View.prototype.lookup = function (name) {
  return name;
};

exports.run = () => {};

module.exports.stop = function () {};

const helper = function () {
  return 1;
};

function* gen() {
  yield 1;
}

class Widget extends Base {
  static defaults = {};
  onClick = () => {
    this.clicked = true;
  };
  render() {
    return null;
  }
  get label() {
    return 'w';
  }
}

[1, 2].map(function (x) { return x; });
`;

  it('lists functions, prototype methods, exports, generators, class fields and methods, not callbacks', async () => {
    expect(rows(await outlineOf(source, 'view.js'))).toEqual([
      { qualifiedName: 'View', kind: 'function', startLine: 3, endLine: 5 },
      { qualifiedName: 'View.render', kind: 'method', startLine: 7, endLine: 9 },
      { qualifiedName: 'View.lookup', kind: 'method', startLine: 11, endLine: 13 },
      { qualifiedName: 'run', kind: 'function', startLine: 15, endLine: 15 },
      { qualifiedName: 'stop', kind: 'function', startLine: 17, endLine: 17 },
      { qualifiedName: 'helper', kind: 'function', startLine: 19, endLine: 21 },
      { qualifiedName: 'gen', kind: 'function', startLine: 23, endLine: 25 },
      { qualifiedName: 'Widget', kind: 'class', startLine: 27, endLine: 38 },
      { qualifiedName: 'Widget.onClick', kind: 'method', startLine: 29, endLine: 31 },
      { qualifiedName: 'Widget.render', kind: 'method', startLine: 32, endLine: 34 },
      { qualifiedName: 'Widget.label', kind: 'method', startLine: 35, endLine: 37 },
    ]);
  });

  it('spans a prototype assignment as the whole statement, semicolon included', async () => {
    const render = byName(await outlineOf(source, 'view.js'), 'View.render');
    expect(render.name).toBe('render');
    expect(render).toMatchObject(bytesOf(source, 'View.prototype.render', '};'));
  });

  it('names an anonymous default-exported class "default" and qualifies its methods with it', async () => {
    const text = 'export default class {\n  run() {}\n}\n';
    const entries = await outlineOf(text, 'widget.js');
    expect(entries.map(toDefinition)).toEqual([
      { name: 'default', qualifiedName: 'default', kind: 'class', language: 'javascript', startLine: 1, endLine: 3, startByte: 0, endByte: 35 },
      { name: 'run', qualifiedName: 'default.run', kind: 'method', language: 'javascript', startLine: 2, endLine: 2, startByte: 25, endByte: 33 },
    ]);
  });

  it('qualifies `this.x = function` in a constructor function by the constructor, not by `this`', async () => {
    const text = 'function View() {\n  this.render = function () {};\n}\n';
    expect(rows(await outlineOf(text, 'view.js'))).toEqual([
      { qualifiedName: 'View', kind: 'function', startLine: 1, endLine: 3 },
      { qualifiedName: 'View.render', kind: 'method', startLine: 2, endLine: 2 },
    ]);
  });
});

describe('outline: Rust', () => {
  const source = `use std::fmt;

/// A point.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct Point {
    x: i32,
    y: i32,
}

pub trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String {
        String::from("shape")
    }
}

impl Point {
    #[inline]
    pub fn new(x: i32, y: i32) -> Self {
        Point { x, y }
    }
}

impl<T: Clone> fmt::Display for Wrapper<T> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "w")
    }
}

#[test]
fn free() {}

enum Direction {
    Up,
    Down,
}
`;

  it('lists structs, traits, impls, enums and functions, methods qualified by the impl type', async () => {
    expect(rows(await outlineOf(source, 'point.rs'))).toEqual([
      { qualifiedName: 'Point', kind: 'struct', startLine: 4, endLine: 9 },
      { qualifiedName: 'Shape', kind: 'trait', startLine: 11, endLine: 16 },
      { qualifiedName: 'Shape.name', kind: 'method', startLine: 13, endLine: 15 },
      { qualifiedName: 'Point', kind: 'impl', startLine: 18, endLine: 23 },
      { qualifiedName: 'Point.new', kind: 'method', startLine: 19, endLine: 22 },
      { qualifiedName: 'Wrapper', kind: 'impl', startLine: 25, endLine: 29 },
      { qualifiedName: 'Wrapper.fmt', kind: 'method', startLine: 26, endLine: 28 },
      { qualifiedName: 'free', kind: 'function', startLine: 31, endLine: 32 },
      { qualifiedName: 'Direction', kind: 'enum', startLine: 34, endLine: 37 },
    ]);
  });

  it('includes every attribute before an item, but not its doc comment', async () => {
    const entries = await outlineOf(source, 'point.rs');
    const point = entries.find((e) => e.qualifiedName === 'Point' && e.kind === 'struct')!;
    expect(point).toMatchObject(bytesOf(source, '#[derive(Debug, Clone)]', '    y: i32,\n}'));
    expect(byName(entries, 'Point.new')).toMatchObject(bytesOf(source, '#[inline]', 'Point { x, y }\n    }'));
    expect(byName(entries, 'free')).toMatchObject(bytesOf(source, '#[test]', 'fn free() {}'));
  });
});

describe('outline: Go (tab-indented)', () => {
  const source = [
    'package shapes',
    '',
    'import "fmt"',
    '',
    'type Point struct {',
    '\tX, Y int',
    '}',
    '',
    'type Shape interface {',
    '\tArea() float64',
    '}',
    '',
    'type ID int',
    '',
    'type (',
    '\tA struct{}',
    '\tB int',
    ')',
    '',
    'func New(x, y int) *Point {',
    '\treturn &Point{X: x, Y: y}',
    '}',
    '',
    'func (p *Point) Move(dx int) {',
    '\tp.X += dx',
    '}',
    '',
    'func (p Point) String() string {',
    '\treturn fmt.Sprint(p.X)',
    '}',
    '',
    'type List[T any] struct {',
    '\titems []T',
    '}',
    '',
    'func (l *List[T]) Push(v T) {',
    '\tl.items = append(l.items, v)',
    '}',
    '',
    'func Map[T, U any](xs []T, f func(T) U) []U {',
    '\treturn nil',
    '}',
    '',
  ].join('\n');

  it('lists types, functions and methods qualified by the receiver type (pointer and generic too)', async () => {
    expect(rows(await outlineOf(source, 'shapes.go'))).toEqual([
      { qualifiedName: 'Point', kind: 'struct', startLine: 5, endLine: 7 },
      { qualifiedName: 'Shape', kind: 'interface', startLine: 9, endLine: 11 },
      { qualifiedName: 'ID', kind: 'type', startLine: 13, endLine: 13 },
      { qualifiedName: 'A', kind: 'struct', startLine: 16, endLine: 16 },
      { qualifiedName: 'B', kind: 'type', startLine: 17, endLine: 17 },
      { qualifiedName: 'New', kind: 'function', startLine: 20, endLine: 22 },
      { qualifiedName: 'Point.Move', kind: 'method', startLine: 24, endLine: 26 },
      { qualifiedName: 'Point.String', kind: 'method', startLine: 28, endLine: 30 },
      { qualifiedName: 'List', kind: 'struct', startLine: 32, endLine: 34 },
      { qualifiedName: 'List.Push', kind: 'method', startLine: 36, endLine: 38 },
      { qualifiedName: 'Map', kind: 'function', startLine: 40, endLine: 42 },
    ]);
  });

  it('spans a lone type spec with its `type` keyword, and a grouped one without', async () => {
    const entries = await outlineOf(source, 'shapes.go');
    expect(byName(entries, 'Point')).toMatchObject(bytesOf(source, 'type Point', '\tX, Y int\n}'));
    expect(byName(entries, 'A')).toMatchObject(bytesOf(source, 'A struct{}', '{}'));
  });

  it('gives exact bytes of a method in tab-indented code', async () => {
    const push = byName(await outlineOf(source, 'shapes.go'), 'List.Push');
    expect(push).toMatchObject(bytesOf(source, 'func (l *List[T]) Push', 'append(l.items, v)\n}'));
    expect(push.name).toBe('Push');
  });
});

describe('outline: Java', () => {
  const source = `package com.example;

import java.util.List;

@SuppressWarnings("unchecked")
public class Outer<T> implements Runnable {
    private final int size;

    public Outer(int size) {
        this.size = size;
    }

    @Override
    public void run() {
        Runnable r = new Runnable() {
            public void run() {}
        };
    }

    static <U> List<U> empty() {
        return List.of();
    }

    private static class Inner {
        int value() { return 1; }
    }

    interface Listener {
        void onEvent(String name);
        default void reset() {}
    }

    enum Mode { ON, OFF }

    record Pair(int a, int b) {
        Pair {
            if (a > b) throw new IllegalArgumentException();
        }
    }
}
`;

  it('lists classes, constructors, methods, nested classes, interfaces, enums and records', async () => {
    expect(rows(await outlineOf(source, 'Outer.java'))).toEqual([
      { qualifiedName: 'Outer', kind: 'class', startLine: 5, endLine: 40 },
      { qualifiedName: 'Outer.Outer', kind: 'constructor', startLine: 9, endLine: 11 },
      { qualifiedName: 'Outer.run', kind: 'method', startLine: 13, endLine: 18 },
      { qualifiedName: 'Outer.run.run', kind: 'method', startLine: 16, endLine: 16 },
      { qualifiedName: 'Outer.empty', kind: 'method', startLine: 20, endLine: 22 },
      { qualifiedName: 'Outer.Inner', kind: 'class', startLine: 24, endLine: 26 },
      { qualifiedName: 'Outer.Inner.value', kind: 'method', startLine: 25, endLine: 25 },
      { qualifiedName: 'Outer.Listener', kind: 'interface', startLine: 28, endLine: 31 },
      { qualifiedName: 'Outer.Listener.onEvent', kind: 'method', startLine: 29, endLine: 29 },
      { qualifiedName: 'Outer.Listener.reset', kind: 'method', startLine: 30, endLine: 30 },
      { qualifiedName: 'Outer.Mode', kind: 'enum', startLine: 33, endLine: 33 },
      { qualifiedName: 'Outer.Pair', kind: 'class', startLine: 35, endLine: 39 },
      { qualifiedName: 'Outer.Pair.Pair', kind: 'constructor', startLine: 36, endLine: 38 },
    ]);
  });

  it('includes annotations in the span and has no body for an abstract method', async () => {
    const entries = await outlineOf(source, 'Outer.java');
    expect(byName(entries, 'Outer')).toMatchObject(bytesOf(source, '@SuppressWarnings', '    }\n}'));
    expect(byName(entries, 'Outer.run')).toMatchObject(bytesOf(source, '@Override', '        };\n    }'));
    expect(byName(entries, 'Outer.Listener.onEvent').bodyRange).toBeNull();
    expect(byName(entries, 'Outer.Listener.reset').bodyRange).not.toBeNull();
  });
});

describe('outline: C#', () => {
  const source = `using System;

namespace Demo.App
{
    [Serializable]
    public class Account : IComparable
    {
        public Account(string owner) { Owner = owner; }

        public string Owner { get; }

        public int CompareTo(object other)
        {
            int Local(int x) => x + 1;
            return Local(0);
        }

        private struct Entry
        {
            public int Amount;
        }

        public interface IAudit
        {
            void Log(string message);
        }
    }

    public enum Kind { A, B }

    public record Person(string Name);
}
`;

  it('lists classes, constructors, methods, local functions, nested structs and interfaces, enums, records', async () => {
    expect(rows(await outlineOf(source, 'Account.cs'))).toEqual([
      { qualifiedName: 'Account', kind: 'class', startLine: 5, endLine: 27 },
      { qualifiedName: 'Account.Account', kind: 'constructor', startLine: 8, endLine: 8 },
      { qualifiedName: 'Account.CompareTo', kind: 'method', startLine: 12, endLine: 16 },
      { qualifiedName: 'Account.CompareTo.Local', kind: 'function', startLine: 14, endLine: 14 },
      { qualifiedName: 'Account.Entry', kind: 'struct', startLine: 18, endLine: 21 },
      { qualifiedName: 'Account.IAudit', kind: 'interface', startLine: 23, endLine: 26 },
      { qualifiedName: 'Account.IAudit.Log', kind: 'method', startLine: 25, endLine: 25 },
      { qualifiedName: 'Kind', kind: 'enum', startLine: 29, endLine: 29 },
      { qualifiedName: 'Person', kind: 'class', startLine: 31, endLine: 31 },
    ]);
  });

  it('includes attributes in the class span', async () => {
    expect(byName(await outlineOf(source, 'Account.cs'), 'Account')).toMatchObject(bytesOf(source, '[Serializable]', '        }\n    }'));
  });
});

describe('outline: C', () => {
  const source = `#include <stdlib.h>

struct node {
    int value;
    struct node *next;
};

static char *dup_string(const char *s) {
    return NULL;
}

int **make_grid(int rows, int cols)
{
    return malloc(rows * sizeof(int *));
}

enum color { RED, GREEN };

typedef struct {
    int x;
} anon_t;

int main(void) {
    struct node n;
    return 0;
}
`;

  it('lists structs, enums and functions, pointer return types included; skips uses of a struct', async () => {
    expect(rows(await outlineOf(source, 'grid.c'))).toEqual([
      { qualifiedName: 'node', kind: 'struct', startLine: 3, endLine: 6 },
      { qualifiedName: 'dup_string', kind: 'function', startLine: 8, endLine: 10 },
      { qualifiedName: 'make_grid', kind: 'function', startLine: 12, endLine: 15 },
      { qualifiedName: 'color', kind: 'enum', startLine: 17, endLine: 17 },
      { qualifiedName: 'main', kind: 'function', startLine: 23, endLine: 26 },
    ]);
  });

  it('spans a function from its storage class to its closing brace', async () => {
    const entries = await outlineOf(source, 'grid.c');
    expect(byName(entries, 'dup_string')).toMatchObject(bytesOf(source, 'static char *dup_string', 'return NULL;\n}'));
    expect(byName(entries, 'make_grid')).toMatchObject(bytesOf(source, 'int **make_grid', 'sizeof(int *));\n}'));
  });

  it('names a function that returns a function pointer by its identifier', async () => {
    const text = 'void (*get_handler(int sig))(int) {\n    return 0;\n}\n';
    expect(rows(await outlineOf(text, 'signal.c'))).toEqual([{ qualifiedName: 'get_handler', kind: 'function', startLine: 1, endLine: 3 }]);
  });
});

describe('outline: C++', () => {
  const source = `#include <vector>

namespace geo {

class Shape {
 public:
  Shape();
  virtual ~Shape();
  virtual double area() const = 0;
  int id() const { return id_; }
 private:
  int id_;
};

Shape::Shape() : id_(0) {}

Shape::~Shape() {}

template <typename T>
T clamp(T v, T lo, T hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

template <typename T>
class Box {
 public:
  T get() const { return value_; }
 private:
  T value_;
};

struct Point { int x, y; };

std::vector<int>* make() { return nullptr; }

}  // namespace geo
`;

  it('lists classes, inline and out-of-line methods (Foo::bar as Foo.bar), destructors, templates and structs', async () => {
    expect(rows(await outlineOf(source, 'shape.cc'))).toEqual([
      { qualifiedName: 'Shape', kind: 'class', startLine: 5, endLine: 13 },
      { qualifiedName: 'Shape.id', kind: 'method', startLine: 10, endLine: 10 },
      { qualifiedName: 'Shape.Shape', kind: 'method', startLine: 15, endLine: 15 },
      { qualifiedName: 'Shape.~Shape', kind: 'method', startLine: 17, endLine: 17 },
      { qualifiedName: 'clamp', kind: 'function', startLine: 19, endLine: 22 },
      { qualifiedName: 'Box', kind: 'class', startLine: 24, endLine: 30 },
      { qualifiedName: 'Box.get', kind: 'method', startLine: 27, endLine: 27 },
      { qualifiedName: 'Point', kind: 'struct', startLine: 32, endLine: 32 },
      { qualifiedName: 'make', kind: 'function', startLine: 34, endLine: 34 },
    ]);
  });

  it('includes the template header in the span', async () => {
    const entries = await outlineOf(source, 'shape.cc');
    expect(byName(entries, 'clamp')).toMatchObject(bytesOf(source, 'template <typename T>\nT clamp', ': v);\n}'));
    // The template declaration holds the class's closing semicolon too.
    expect(byName(entries, 'Box')).toMatchObject(bytesOf(source, 'template <typename T>\nclass Box', '  T value_;\n};'));
  });

  it('names the out-of-line destructor with its tilde', async () => {
    const destructor = byName(await outlineOf(source, 'shape.cc'), 'Shape.~Shape');
    expect(destructor.name).toBe('~Shape');
    expect(destructor).toMatchObject(bytesOf(source, 'Shape::~Shape()', '{}'));
  });

  it('outlines functions and operators that return references', async () => {
    const text = 'struct Shape { int v; };\n\nint& ref(int& x) { return x; }\n\nShape& Shape::operator=(const Shape& other) { return *this; }\n';
    expect(rows(await outlineOf(text, 'ref.cc'))).toEqual([
      { qualifiedName: 'Shape', kind: 'struct', startLine: 1, endLine: 1 },
      { qualifiedName: 'ref', kind: 'function', startLine: 3, endLine: 3 },
      { qualifiedName: 'Shape.operator=', kind: 'method', startLine: 5, endLine: 5 },
    ]);
  });
});

describe('outline: Ruby', () => {
  const source = `module Util
  class Parser < Base
    def initialize(text)
      @text = text
    end

    def self.parse(text)
      new(text).run
    end

    def valid?
      true
    end
  end

  def helper
    42
  end
end
`;

  it('lists modules, classes, methods and singleton methods (def self.x)', async () => {
    expect(rows(await outlineOf(source, 'parser.rb'))).toEqual([
      { qualifiedName: 'Util', kind: 'module', startLine: 1, endLine: 19 },
      { qualifiedName: 'Util.Parser', kind: 'class', startLine: 2, endLine: 14 },
      { qualifiedName: 'Util.Parser.initialize', kind: 'method', startLine: 3, endLine: 5 },
      { qualifiedName: 'Util.Parser.parse', kind: 'method', startLine: 7, endLine: 9 },
      { qualifiedName: 'Util.Parser.valid?', kind: 'method', startLine: 11, endLine: 13 },
      { qualifiedName: 'Util.helper', kind: 'method', startLine: 16, endLine: 18 },
    ]);
  });

  it('spans a singleton method from def to end', async () => {
    expect(byName(await outlineOf(source, 'parser.rb'), 'Util.Parser.parse')).toMatchObject(bytesOf(source, 'def self.parse', 'end'));
  });
});

describe('outline: PHP', () => {
  const source = `<?php
namespace App;

function helper(int $x): int {
    return $x;
}

interface Greets {
    public function greet(): string;
}

trait Loud {
    public function shout(): string { return 'HEY'; }
}

abstract class Base implements Greets {
    use Loud;

    public function __construct(private string $name) {}

    abstract protected function kind(): string;

    public static function make(): static {
        return new static('x');
    }

    public function greet(): string {
        $f = function () { return 1; };
        return "hi";
    }
}

enum Suit: string {
    case Hearts = 'H';
    public function label(): string { return 'h'; }
}
`;

  it('lists functions, interfaces, traits, classes, methods and enums, not closures', async () => {
    expect(rows(await outlineOf(source, 'Base.php'))).toEqual([
      { qualifiedName: 'helper', kind: 'function', startLine: 4, endLine: 6 },
      { qualifiedName: 'Greets', kind: 'interface', startLine: 8, endLine: 10 },
      { qualifiedName: 'Greets.greet', kind: 'method', startLine: 9, endLine: 9 },
      { qualifiedName: 'Loud', kind: 'trait', startLine: 12, endLine: 14 },
      { qualifiedName: 'Loud.shout', kind: 'method', startLine: 13, endLine: 13 },
      { qualifiedName: 'Base', kind: 'class', startLine: 16, endLine: 31 },
      { qualifiedName: 'Base.__construct', kind: 'method', startLine: 19, endLine: 19 },
      { qualifiedName: 'Base.kind', kind: 'method', startLine: 21, endLine: 21 },
      { qualifiedName: 'Base.make', kind: 'method', startLine: 23, endLine: 25 },
      { qualifiedName: 'Base.greet', kind: 'method', startLine: 27, endLine: 30 },
      { qualifiedName: 'Suit', kind: 'enum', startLine: 33, endLine: 36 },
      { qualifiedName: 'Suit.label', kind: 'method', startLine: 35, endLine: 35 },
    ]);
  });

  it('spans a method with its modifiers and has no body for an abstract one', async () => {
    const entries = await outlineOf(source, 'Base.php');
    expect(byName(entries, 'Base.make')).toMatchObject(bytesOf(source, 'public static function make', "new static('x');\n    }"));
    expect(byName(entries, 'Base.kind').bodyRange).toBeNull();
  });
});

describe('outline: Bash', () => {
  const source = `#!/usr/bin/env bash
set -euo pipefail

greet() {
  echo "hi $1"
}

function cleanup {
  rm -rf "$tmp"
}

function build() (
  make all
)

main() {
  inner() { :; }
  greet world
}

main "$@"
`;

  it('lists functions in every syntax, nested ones qualified by the outer', async () => {
    expect(rows(await outlineOf(source, 'run.sh'))).toEqual([
      { qualifiedName: 'greet', kind: 'function', startLine: 4, endLine: 6 },
      { qualifiedName: 'cleanup', kind: 'function', startLine: 8, endLine: 10 },
      { qualifiedName: 'build', kind: 'function', startLine: 12, endLine: 14 },
      { qualifiedName: 'main', kind: 'function', startLine: 16, endLine: 19 },
      { qualifiedName: 'main.inner', kind: 'function', startLine: 17, endLine: 17 },
    ]);
  });

  it('spans a function from its name or `function` keyword to its closing brace', async () => {
    const entries = await outlineOf(source, 'run.sh');
    expect(byName(entries, 'greet')).toMatchObject(bytesOf(source, 'greet() {', '"hi $1"\n}'));
    expect(byName(entries, 'cleanup')).toMatchObject(bytesOf(source, 'function cleanup', '"$tmp"\n}'));
  });
});

describe('outline: non-ASCII text', () => {
  it('gives UTF-8 byte offsets after CJK and emoji in Python strings', async () => {
    const source = 'GREETING = "こんにちは 🌍"\nEMOJI = "😀😀"\n\n\ndef greet(name):\n    return f"{GREETING}, {name} 👋"\n\n\nclass Façade:\n    def run(self):\n        return "ünïcödé"\n';
    const entries = await outlineOf(source, 'greet.py');
    expect(entries.map(toDefinition)).toEqual([
      { name: 'greet', qualifiedName: 'greet', kind: 'function', language: 'python', startLine: 5, endLine: 6, ...bytesOf(source, 'def greet', '👋"') },
      { name: 'Façade', qualifiedName: 'Façade', kind: 'class', language: 'python', startLine: 9, endLine: 11, ...bytesOf(source, 'class Façade', 'ünïcödé"') },
      { name: 'run', qualifiedName: 'Façade.run', kind: 'method', language: 'python', startLine: 10, endLine: 11, ...bytesOf(source, 'def run', 'ünïcödé"') },
    ]);
    // The byte offsets differ from the UTF-16 indices here, so a mix-up would show.
    expect(entries[0]!.startByte).not.toBe(entries[0]!.range.start);
    expect(entries[0]!.startByte).toBe(55); // 34 + 19 + 2 bytes of the lines before
  });

  it('gives UTF-8 byte offsets after emoji in a JavaScript comment', async () => {
    const source = '// 🚀 launch code, 日本語\nclass Rocket {\n  fly() {\n    return "🛸";\n  }\n}\n';
    const entries = await outlineOf(source, 'rocket.js');
    expect(byName(entries, 'Rocket')).toMatchObject({ startLine: 2, endLine: 6, ...bytesOf(source, 'class Rocket', '  }\n}') });
    expect(byName(entries, 'Rocket.fly')).toMatchObject({ startLine: 3, endLine: 5, ...bytesOf(source, 'fly()', '"🛸";\n  }') });
  });
});

describe('outline: CRLF line endings', () => {
  const source = 'GREETING = "héllo"\r\n\r\n\r\ndef greet(name):\r\n    return GREETING\r\n\r\n\r\nclass Program:\r\n    def main(self):\r\n        pass\r\n';

  it('counts lines and bytes with the CRs', async () => {
    const entries = await outlineOf(source, 'crlf.py');
    expect(entries.map(toDefinition)).toEqual([
      { name: 'greet', qualifiedName: 'greet', kind: 'function', language: 'python', startLine: 4, endLine: 5, ...bytesOf(source, 'def greet', 'return GREETING') },
      { name: 'Program', qualifiedName: 'Program', kind: 'class', language: 'python', startLine: 8, endLine: 10, ...bytesOf(source, 'class Program', 'pass') },
      { name: 'main', qualifiedName: 'Program.main', kind: 'method', language: 'python', startLine: 9, endLine: 10, ...bytesOf(source, 'def main', 'pass') },
    ]);
  });

  it('ends a C# method at its brace, before the CRLF', async () => {
    const text = 'class Program\r\n{\r\n    static void Main()\r\n    {\r\n        System.Console.WriteLine("héllo");\r\n    }\r\n}\r\n';
    const entries = await outlineOf(text, 'Program.cs');
    expect(byName(entries, 'Program.Main')).toMatchObject({ startLine: 3, endLine: 6, ...bytesOf(text, 'static void Main', '    }') });
    expect(byName(entries, 'Program')).toMatchObject({ startLine: 1, endLine: 7, startByte: 0, endByte: Buffer.byteLength(text) - 2 });
  });
});

describe('outline: files without definitions', () => {
  it('is empty for a script of plain statements', async () => {
    expect(await outlineOf('x = 1\nprint(x)\n', 'script.py')).toEqual([]);
  });
});

describe('outline: shapes added after the first review', () => {
  it('names an anonymous default-exported arrow function "default", but not other arrows', async () => {
    const text = 'export default () => {\n  return [1].map((x) => x * 2);\n};\n';
    expect(rows(await outlineOf(text, 'entry.js'))).toEqual([{ qualifiedName: 'default', kind: 'function', startLine: 1, endLine: 3 }]);
  });

  it('names `module.exports = function createApp` by the function, as a plain function', async () => {
    const text = 'module.exports = function createApp() {\n  return {};\n};\nmodule.exports.helper = function () {};\n';
    expect(rows(await outlineOf(text, 'app.js'))).toEqual([
      { qualifiedName: 'createApp', kind: 'function', startLine: 1, endLine: 3 },
      { qualifiedName: 'helper', kind: 'function', startLine: 4, endLine: 4 },
    ]);
  });

  it('outlines Go type aliases', async () => {
    const text = 'package p\n\ntype Name = string\n\ntype (\n\tA = int\n\tB struct{}\n)\n';
    expect(rows(await outlineOf(text, 'alias.go'))).toEqual([
      { qualifiedName: 'Name', kind: 'type', startLine: 3, endLine: 3 },
      { qualifiedName: 'A', kind: 'type', startLine: 6, endLine: 6 },
      { qualifiedName: 'B', kind: 'struct', startLine: 7, endLine: 7 },
    ]);
  });

  it('ends a Python function at its last statement, not at a comment after it', async () => {
    const text = 'def f():\n    x = 1\n    # trailing note\n\n\ndef g():\n    pass\n';
    const entries = await outlineOf(text, 'notes.py');
    expect(rows(entries)).toEqual([
      { qualifiedName: 'f', kind: 'function', startLine: 1, endLine: 2 },
      { qualifiedName: 'g', kind: 'function', startLine: 6, endLine: 7 },
    ]);
    expect(byName(entries, 'f')).toMatchObject(bytesOf(text, 'def f', 'x = 1'));
    expect(text.slice(byName(entries, 'f').bodyRange!.start, byName(entries, 'f').bodyRange!.end)).toBe('x = 1');
  });

  it('names a C++ template specialisation without its arguments', async () => {
    const text = 'template <typename T> int GetLength() { return 0; }\ntemplate <> int GetLength<wchar_t>() { return 1; }\n';
    const names = (await outlineOf(text, 'len.cc')).map((e) => e.qualifiedName);
    expect(names).toEqual(['GetLength', 'GetLength']);
  });
});
