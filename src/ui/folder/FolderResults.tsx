import type { FileVerdict } from '../../plan/repositoryPatch';
import { describeRelated } from '../../repository/relatedCode';
import { useGeneration } from '../generate/generationStore';
import { includes } from '../review/reviewHunks';
import { useFolder } from './folderStore';

const VERDICT_CLASS: Record<FileVerdict, string> = { applies: 'verdict-ok', invalid: 'verdict-bad', failed: 'verdict-bad', unchanged: 'muted', superseded: 'muted' };

/**
 * A folder generation's results: one row per file with its verdict (a row shows its diff), the
 * related code each plan gave the model, and Apply to folder with its confirmation and Undo.
 */
export function FolderResults() {
  const folder = useFolder();
  const generation = useGeneration();
  const { run } = folder;
  if (!run && folder.written.length === 0 && !folder.message) return null;
  const applying = run?.combined.files.filter((f) => f.verdict === 'applies') ?? [];
  return (
    <section className="folder-results" aria-label="Folder results">
      {folder.message && (
        <p className={`notice notice-${folder.message.kind}`} role={folder.message.kind === 'error' ? 'alert' : 'status'}>
          {folder.message.text}
        </p>
      )}
      {run && (
        <>
          <h3>
            {run.combined.files.length} file{run.combined.files.length === 1 ? '' : 's'}, {applying.length} can apply
          </h3>
          <ol aria-label="Files of the patch">
            {run.combined.files.map((file) => (
              <li key={`${file.path} ${file.patch.plan.editTargets.join(',')} ${file.verdict}`} className={file.patch === generation.patch ? 'shown' : undefined}>
                <button type="button" className="link" disabled={file.patch.sample.path === 'error'} onClick={() => generation.show(file.patch)}>
                  {file.path}
                </button>{' '}
                <span className={`small ${VERDICT_CLASS[file.verdict]}`}>{file.message}</span>
                {file.verdict === 'applies' && folder.decisions[file.path]?.some((decision) => decision !== 'pending') && (
                  <span className="small muted">
                    {' '}
                    · {folder.decisions[file.path]!.filter(includes).length} of {folder.decisions[file.path]!.length} changes kept
                  </span>
                )}
              </li>
            ))}
          </ol>
          <details>
            <summary>Related code the model saw</summary>
            {run.plans.map(({ plan, related, leftOut }) => (
              <div key={plan.filePath}>
                <strong>{plan.filePath}</strong>
                {related.length === 0 ? (
                  <p className="muted small">none found</p>
                ) : (
                  <ul className="small">
                    {related.map((definition) => (
                      <li key={`${definition.relation} ${definition.path} ${definition.startLine}`}>{describeRelated(definition)}</li>
                    ))}
                  </ul>
                )}
                {leftOut > 0 && <p className="muted small">{leftOut} more left out to fit the prompt.</p>}
              </div>
            ))}
          </details>
          <div className="folder-actions">
            <button
              type="button"
              disabled={!folder.writable || applying.length === 0 || folder.confirming !== null}
              title={folder.writable ? undefined : 'The folder was opened read-only'}
              onClick={folder.askApply}
            >
              Apply to folder
            </button>
            {!folder.writable && <span className="muted small">Read-only folder: download the patch instead.</span>}
          </div>
        </>
      )}
      {folder.confirming && (
        <div role="dialog" aria-label="Confirm Apply to folder" className="confirm">
          <p>
            Write {folder.confirming.length} file{folder.confirming.length === 1 ? '' : 's'} in {folder.name}? Each is written only if it is unchanged on disk since it was read.
          </p>
          <ul>
            {folder.confirming.map((path) => (
              <li key={path}>{path}</li>
            ))}
          </ul>
          <button type="button" className="primary" onClick={() => void folder.apply()}>
            Write files
          </button>
          <button type="button" onClick={folder.cancelApply}>
            Don't write
          </button>
        </div>
      )}
      {folder.written.length > 0 && (
        <div className="folder-actions">
          <button type="button" onClick={() => void folder.undo()}>
            Undo
          </button>
          <button type="button" className="link" onClick={() => void folder.dismissUndo()}>
            Dismiss (forget the copies)
          </button>
        </div>
      )}
    </section>
  );
}
