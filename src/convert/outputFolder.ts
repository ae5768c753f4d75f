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
  /** The platform's native SHA-256, where it has an incremental one: noble's runs at a fifth of Node's speed. */
  sha256?(): IncrementalSha256;
}

export interface IncrementalSha256 {
  update(chunk: Uint8Array): void;
  hex(): string;
}

function nobleSha256(): IncrementalSha256 {
  const hash = sha256.create();
  return { update: (chunk) => void hash.update(chunk), hex: () => bytesToHex(hash.digest()) };
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
    const hash = this.folder.sha256?.() ?? nobleSha256();
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
