import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { ByteSink } from './byteSource';
import type { ManifestFile } from '../model/manifest';

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
    const hash = sha256.create();
    let bytes = 0;
    return {
      write: async (chunk) => {
        hash.update(chunk);
        bytes += chunk.byteLength;
        await file.write(chunk);
      },
      close: async () => {
        await file.close();
        this.files.push({ path, bytes, sha256: bytesToHex(hash.digest()) });
      },
    };
  }

  async writeFile(path: string, content: Uint8Array | string): Promise<void> {
    const file = await this.create(path);
    await file.write(typeof content === 'string' ? new TextEncoder().encode(content) : content);
    await file.close();
  }
}
