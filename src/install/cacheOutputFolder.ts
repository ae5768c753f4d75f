import type { OutputFolder } from '../convert/outputFolder';
import { nobleHasher } from '../hub/fileHash';
import { MANIFEST_FILE, parseManifest } from '../models/modelManifest';
import { hashHex, type ModelFolderStore, writeMarker } from '../runtime/modelCache';

/**
 * The converted folder, written straight into the model's cache folder. Nothing is loadable until
 * commit writes the completion marker (from the manifest convertCheckpoint wrote last); abort
 * removes what was written and keeps the staged download for the next try.
 */
export function cacheOutputFolder(store: ModelFolderStore, id: string): OutputFolder {
  const written = new Set<string>();
  return {
    async create(path) {
      written.add(path);
      return store.writer(id, path, 0);
    },
    async commit() {
      const bytes = new Uint8Array(await (await store.file(id, MANIFEST_FILE))!.arrayBuffer());
      const manifest = parseManifest(new TextDecoder().decode(bytes));
      await writeMarker(store, id, { manifestSha256: hashHex(bytes), verified: Object.fromEntries(manifest.files.map((f) => [f.path, f.sha256])) });
    },
    async abort() {
      for (const path of written) await store.remove(id, path);
    },
    sha256: () => nobleHasher('sha256'),
  };
}
