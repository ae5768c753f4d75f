/**
 * A source file's text with the conversions between the three ways positions are counted:
 * UTF-16 code units (JavaScript strings, tree-sitter's web binding, Monaco), UTF-8 bytes (files on
 * disk, the CLI's JSON, patches) and 1-based lines and columns (people). Columns count UTF-16 code
 * units, as editors do.
 */
export interface LineColumn {
  line: number;
  column: number;
}

const encoder = new TextEncoder();

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export class SourceText {
  /** UTF-16 index of the first character of each line. */
  private readonly lineStarts: number[] = [0];
  /** UTF-8 byte offset of the first character of each line. */
  private readonly lineByteStarts: number[] = [0];

  constructor(readonly text: string) {
    let bytes = 0;
    let from = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      bytes += utf8Length(text.slice(from, i + 1));
      from = i + 1;
      this.lineStarts.push(from);
      this.lineByteStarts.push(bytes);
    }
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  get byteLength(): number {
    return this.byteOffset(this.text.length);
  }

  /** The 0-based line that holds the UTF-16 index. */
  private lineIndexOf(index: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  byteOffset(index: number): number {
    const line = this.lineIndexOf(index);
    return this.lineByteStarts[line]! + utf8Length(this.text.slice(this.lineStarts[line], index));
  }

  /** The UTF-16 index of a UTF-8 byte offset; an offset inside a character maps to its start. */
  indexOfByte(byte: number): number {
    let low = 0;
    let high = this.lineByteStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineByteStarts[mid]! <= byte) low = mid;
      else high = mid - 1;
    }
    let index = this.lineStarts[low]!;
    let at = this.lineByteStarts[low]!;
    while (index < this.text.length) {
      const codePoint = this.text.codePointAt(index)!;
      const width = encoder.encode(String.fromCodePoint(codePoint)).length;
      if (at + width > byte) break;
      at += width;
      index += codePoint > 0xffff ? 2 : 1;
    }
    return index;
  }

  position(index: number): LineColumn {
    const line = this.lineIndexOf(index);
    return { line: line + 1, column: index - this.lineStarts[line]! + 1 };
  }

  /** The UTF-16 index of a 1-based line and column, clamped to the text. */
  indexOf({ line, column }: LineColumn): number {
    const lineIndex = Math.min(Math.max(line, 1), this.lineCount) - 1;
    const start = this.lineStarts[lineIndex]!;
    // A column past the end of the line stays on it, before the line break.
    const end = lineIndex + 1 < this.lineCount ? this.lineStarts[lineIndex + 1]! - 1 : this.text.length;
    return Math.min(start + Math.max(column, 1) - 1, end);
  }

  /** The 1-based line of the last character of the range [start, end). */
  lastLine(start: number, end: number): number {
    return this.position(Math.max(start, end - 1)).line;
  }
}
