import { useRef } from 'react';
import { filesOfInput } from '../models/modelFolderFiles';
import { filesFolder, handleFolder, readWritePicker } from './folderAccess';
import { useFolder } from './folderStore';

/**
 * Open folder: the directory picker with write access where the browser has one (Chromium), so
 * results can be written back; elsewhere a folder input, read-only.
 */
export function OpenFolderButton() {
  const input = useRef<HTMLInputElement>(null);
  const open = useFolder((s) => s.open);
  const choose = async () => {
    const picker = readWritePicker();
    if (!picker) {
      input.current?.click();
      return;
    }
    let handle: FileSystemDirectoryHandle;
    try {
      handle = await picker({ mode: 'readwrite' });
    } catch (error) {
      // The user closed the picker: nothing to say.
      if ((error as Error).name === 'AbortError') return;
      throw error;
    }
    const { folder, writable } = await handleFolder(handle);
    await open(folder, handle.name, writable);
  };
  return (
    <>
      <button type="button" onClick={() => void choose()}>
        Open folder
      </button>
      <input
        ref={input}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const files = e.target.files;
          if (!files || files.length === 0) return;
          const name = files[0]!.webkitRelativePath.split('/')[0] || 'folder';
          void open(filesFolder(filesOfInput(files)), name, false).then(() => (e.target.value = ''));
        }}
      />
    </>
  );
}
