import { useAppState } from '../app/appStateStore';
import { useFolder } from './folderStore';

/** The batch across the folder: every ticked target, grouped by file. */
export function FolderTargets() {
  const folder = useFolder();
  // The open file's ticks live in the app state: listen to them too.
  useAppState((s) => s.checked);
  if (!folder.repository) return null;
  const ticks = Object.entries(folder.allTicks());
  return (
    <section className="folder-targets" aria-label="Targets by file">
      <h3>Targets by file</h3>
      {ticks.length === 0 ? (
        <p className="muted">Tick definitions in any of the folder's files; they run as one batch.</p>
      ) : (
        <ul>
          {ticks.map(([path, keys]) => (
            <li key={path}>
              <button type="button" className="link" onClick={() => void folder.openFile(path)}>
                {path}
              </button>
              <span className="muted small">: {keys.join(', ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
