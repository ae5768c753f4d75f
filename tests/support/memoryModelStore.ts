import type { ModelFolderStore } from '../../src/runtime/modelCache';

/** A stored file as the chunks it was written in: appending never copies what is there. */
class MemoryFile {
  chunks: Uint8Array[] = [];
  length = 0;

  truncate(offset: number): void {
    const kept: Uint8Array[] = [];
    let length = 0;
    for (const chunk of this.chunks) {
      if (length >= offset) break;
      const part = chunk.subarray(0, Math.min(chunk.byteLength, offset - length));
      kept.push(part);
      length += part.byteLength;
    }
    this.chunks = kept;
    this.length = length;
  }

  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/**
 * The model cache's storage contract in memory, for running the real download and install code in
 * Node (which has no OPFS). `capacity` makes writes past it fail as a full disk does in a browser.
 */
export class MemoryModelStore implements ModelFolderStore {
  readonly folders = new Map<string, Map<string, MemoryFile>>();

  constructor(private readonly capacity = Infinity) {}

  get usedBytes(): number {
    let used = 0;
    for (const folder of this.folders.values()) for (const file of folder.values()) used += file.length;
    return used;
  }

  /** A stored file's bytes, or undefined. */
  stored(id: string, path: string): Uint8Array | undefined {
    return this.folders.get(id)?.get(path)?.bytes();
  }

  /** Changes one stored byte, as a failing disk or another program might. */
  corrupt(id: string, path: string, at: number): void {
    const file = this.folders.get(id)!.get(path)!;
    const bytes = file.bytes();
    bytes[at] = bytes[at]! ^ 0x20;
    file.chunks = [bytes];
  }

  async ids() {
    return [...this.folders.keys()];
  }

  async sizes(id: string) {
    return new Map([...(this.folders.get(id) ?? new Map<string, MemoryFile>())].map(([path, file]) => [path, file.length]));
  }

  async file(id: string, path: string) {
    const file = this.folders.get(id)?.get(path);
    return file ? new Blob(file.chunks as Uint8Array<ArrayBuffer>[]) : null;
  }

  async writer(id: string, path: string, offset: number) {
    const folder = this.folders.get(id) ?? new Map<string, MemoryFile>();
    this.folders.set(id, folder);
    const file = folder.get(path) ?? new MemoryFile();
    folder.set(path, file);
    file.truncate(offset);
    return {
      write: async (chunk: Uint8Array) => {
        if (this.usedBytes + chunk.byteLength > this.capacity) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        file.chunks.push(chunk.slice());
        file.length += chunk.byteLength;
      },
      close: async () => undefined,
    };
  }

  async remove(id: string, path?: string) {
    if (path === undefined) this.folders.delete(id);
    else this.folders.get(id)?.delete(path);
  }
}
