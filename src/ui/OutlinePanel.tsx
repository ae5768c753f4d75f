import type { OutlineEntry } from '../core/outline';

export interface OutlinePanelProps {
  outline: readonly OutlineEntry[];
  keys: readonly string[];
  checked: ReadonlySet<string>;
  /** The innermost definition around the editor's cursor. */
  atCursor: OutlineEntry | null;
  onCheck(key: string, checked: boolean): void;
  onReveal(entry: OutlineEntry): void;
}

/** The file's definitions, nested as in the code, each with a checkbox named by its qualified name. */
export function OutlinePanel({ outline, keys, checked, atCursor, onCheck, onReveal }: OutlinePanelProps) {
  if (outline.length === 0) return <p className="muted">No functions or classes found.</p>;
  return (
    <ul className="outline" aria-label="Outline">
      {outline.map((entry, i) => {
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
  );
}
