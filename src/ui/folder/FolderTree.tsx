import type { RepositoryFile } from '../../repository/repository';
import { useAppState } from '../app/appStateStore';
import { useFolder } from './folderStore';

interface TreeFolder {
  name: string;
  folders: TreeFolder[];
  files: RepositoryFile[];
}

/** The scan's files (already in tree order) nested by folder. */
function nest(files: readonly RepositoryFile[]): TreeFolder {
  const root: TreeFolder = { name: '', folders: [], files: [] };
  for (const file of files) {
    let at = root;
    const segments = file.path.split('/');
    for (const segment of segments.slice(0, -1)) {
      let child = at.folders.find((f) => f.name === segment);
      if (!child) {
        child = { name: segment, folders: [], files: [] };
        at.folders.push(child);
      }
      at = child;
    }
    at.files.push(file);
  }
  return root;
}

function FolderNode({ node, ticks, openPath, onOpen }: { node: TreeFolder; ticks: Record<string, string[]>; openPath: string | null; onOpen(path: string): void }) {
  return (
    <ul>
      {node.folders.map((folder) => (
        <li key={`d:${folder.name}`}>
          <details open>
            <summary>{folder.name}/</summary>
            <FolderNode node={folder} ticks={ticks} openPath={openPath} onOpen={onOpen} />
          </details>
        </li>
      ))}
      {node.files.map((file) => {
        const ticked = ticks[file.path]?.length ?? 0;
        const name = file.path.split('/').pop()!;
        return (
          <li key={file.path} className={file.path === openPath ? 'open-file' : undefined}>
            <button
              type="button"
              className={`link${file.language ? '' : ' muted'}`}
              aria-label={file.path}
              title={file.language ? file.path : `${file.path}: not a language Builder outlines`}
              onClick={() => onOpen(file.path)}
            >
              {name}
            </button>
            {ticked > 0 && <span className="tick-count"> {ticked} ticked</span>}
          </li>
        );
      })}
    </ul>
  );
}

/** The opened folder's files, nested, each opening in the editor with its outline and ticks; what was skipped, in a note. */
export function FolderTree() {
  const folder = useFolder();
  // The open file's ticks live in the app state: listen to them too.
  useAppState((s) => s.checked);
  if (!folder.repository) return null;
  const ticks = folder.allTicks();
  return (
    <nav className="folder-tree" aria-label="Files">
      <div className="panel-title">
        <h2>{folder.name}</h2>
        <button type="button" className="link" aria-label="Close folder" onClick={folder.close}>
          ×
        </button>
      </div>
      {folder.indexing && <p className="muted small">Outlining the folder's files…</p>}
      <FolderNode node={nest(folder.repository.files)} ticks={ticks} openPath={folder.openPath} onOpen={(path) => void folder.openFile(path)} />
      {folder.note && <p className="muted small">{folder.note}</p>}
    </nav>
  );
}
