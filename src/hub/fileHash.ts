import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** An incremental hash; Node passes its native one (much faster on gigabytes), the browser gets noble's. */
export interface FileHasher {
  update(chunk: Uint8Array): void;
  hex(): string;
}

export type HashAlgorithm = 'sha256' | 'sha1';
export type HasherFactory = (algorithm: HashAlgorithm) => FileHasher;

export const nobleHasher: HasherFactory = (algorithm) => {
  const hash = (algorithm === 'sha256' ? sha256 : sha1).create();
  return { update: (chunk) => void hash.update(chunk), hex: () => bytesToHex(hash.digest()) };
};

/**
 * What a file's content must hash to, from its tree entry: an LFS file's sha256 (`lfs.oid`), else
 * git's blob id, the sha1 of `blob {size}\0` followed by the content (git's object format), which
 * is the tree entry's `oid`.
 */
export interface ExpectedHash {
  algorithm: HashAlgorithm;
  hex: string;
  /** Bytes hashed before the content (git's blob header). */
  prefix: Uint8Array;
}

export function expectedHash(file: { bytes: number; sha256: string | null; gitOid: string }): ExpectedHash {
  if (file.sha256 !== null) return { algorithm: 'sha256', hex: file.sha256, prefix: new Uint8Array(0) };
  return { algorithm: 'sha1', hex: file.gitOid, prefix: new TextEncoder().encode(`blob ${file.bytes}\0`) };
}
