import type { OutlineEntry } from '../core/outline';

/**
 * A ticked definition is remembered by its qualified name, numbered when several share it (Rust
 * impls, overloads), so the tick survives edits that move it to other lines.
 */
export function targetKeys(outline: readonly OutlineEntry[]): string[] {
  const seen = new Map<string, number>();
  return outline.map((entry) => {
    const count = seen.get(entry.qualifiedName) ?? 0;
    seen.set(entry.qualifiedName, count + 1);
    return count === 0 ? entry.qualifiedName : `${entry.qualifiedName}#${count + 1}`;
  });
}
