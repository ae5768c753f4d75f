import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * A file's content hash: SHA-256 of its bytes, in hex. Taken when a file is read and again
 * before it is overwritten, so a file changed on disk meanwhile is never written over. Source
 * files are small, so noble's synchronous hash serves everywhere (Node, page, worker) alike.
 */
export const contentHash = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));

export const textHash = (text: string): string => contentHash(new TextEncoder().encode(text));
