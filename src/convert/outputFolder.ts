import type { ManifestFile } from '../models/modelManifest';
import type { ByteSink } from '../runtime/byteSource';

/** A file being written into an output folder. */
export interface OutputFile extends ByteSink {
  close(): Promise<void>;
}

/**
 * Where a converted model is written. Nothing is visible at the destination until `commit`, so a
 * conversion that fails half-way never leaves a folder that looks complete.
 */
export interface OutputFolder {
  create(path: string): Promise<OutputFile>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  /** A new incremental SHA-256, the platform's own (Node's hashed a 0.5B conversion in 0.6 s, noble's in JS in 7 s). */
  sha256(): IncrementalSha256;
}

export interface IncrementalSha256 {
  update(chunk: Uint8Array): void;
  hex(): string;
}

/**
 * Records each file's size and sha256 while it is written, for the manifest, so no file is read
 * back after writing.
 */
export class HashingFolder {
  readonly files: ManifestFile[] = [];

  constructor(private readonly folder: OutputFolder) {}

  async create(path: string): Promise<OutputFile> {
    const file = await this.folder.create(path);
    const hash = this.folder.sha256();
    let bytes = 0;
    return {
      write: async (chunk) => {
        hash.update(chunk);
        bytes += chunk.byteLength;
        await file.write(chunk);
      },
      close: async () => {
        await file.close();
        this.files.push({ path, bytes, sha256: hash.hex() });
      },
    };
  }

  async writeFile(path: string, content: Uint8Array | string): Promise<void> {
    const file = await this.create(path);
    await file.write(typeof content === 'string' ? new TextEncoder().encode(content) : content);
    await file.close();
  }
}
