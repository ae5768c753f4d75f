import { useState } from 'react';
import type { OutlineEntry } from '../../syntax/outline';

export interface OutlinePanelProps {
  outline: readonly OutlineEntry[];
  keys: readonly string[];
  checked: ReadonlySet<string>;
  /** The innermost definition around the editor's cursor. */
  atCursor: OutlineEntry | null;
  onCheck(key: string, checked: boolean): void;
  onReveal(entry: OutlineEntry): void;
}

/**
 * The file's definitions, nested as in the code, each with a checkbox named by its qualified name;
 * a filter by name for files with hundreds of them.
 */
export function OutlinePanel({ outline, keys, checked, atCursor, onCheck, onReveal }: OutlinePanelProps) {
  const [filter, setFilter] = useState('');
  if (outline.length === 0) return <p className="muted">No functions or classes found.</p>;
  const wanted = filter.trim().toLowerCase();
  const shown = outline.map((entry, i) => ({ entry, i })).filter(({ entry }) => wanted === '' || entry.qualifiedName.toLowerCase().includes(wanted));
  return (
    <>
      <input type="search" className="outline-filter" aria-label="Filter outline" placeholder={`Filter ${outline.length} definitions`} value={filter} onChange={(e) => setFilter(e.target.value)} />
      {shown.length === 0 && <p className="muted small">No definition matches “{filter}”.</p>}
      <ul className="outline" aria-label="Outline">
        {shown.map(({ entry, i }) => {
          const key = keys[i]!;
          const depth = entry.qualifiedName.split('.').length - entry.name.split('.').length;
          return (
            <li key={key} className={entry === atCursor ? 'at-cursor' : undefined} style={{ paddingLeft: `${depth * 14 + 4}px` }}>
              <input type="checkbox" id={`target-${i}`} aria-label={entry.qualifiedName} checked={checked.has(key)} onChange={(e) => onCheck(key, e.target.checked)} />
              <label htmlFor={`target-${i}`} title={entry.qualifiedName}>
                <span className={`kind kind-${entry.kind}`}>{entry.kind}</span> {entry.name}
              </label>
              <button type="button" className="link" aria-label={`Go to ${entry.qualifiedName}`} onClick={() => onReveal(entry)}>
                {entry.startLine}–{entry.endLine}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}
