import { BinarySourceError, EmptySourceError, InputError, SourceTooLargeError } from '../errors/inputErrors';
import { utf8Length } from './sourceText';

/** Larger files are refused: no model context holds them, and parsing them would stall the page. */
export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Says plainly why Builder cannot edit a text, if it cannot: empty, too large, or binary. Used for
 * pasted text as it is, and for files after `decodeSource`.
 */
export function checkSourceText(text: string, fileName: string): void {
  if (text.trim() === '') throw new EmptySourceError(`${fileName} is empty: there is nothing to outline.`);
  const bytes = utf8Length(text);
  if (bytes > MAX_SOURCE_BYTES) {
    throw new SourceTooLargeError(`${fileName} is ${megabytes(bytes)}; Builder edits files up to ${megabytes(MAX_SOURCE_BYTES)}.`);
  }
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    throw new BinarySourceError(`${fileName} looks binary (a NUL character at offset ${nul}); Builder edits text source files.`);
  }
}

/**
 * Turns a file's bytes into text, or says why it cannot. Offsets elsewhere are UTF-8 bytes of
 * exactly these bytes, so a byte-order mark is kept rather than dropped.
 */
export function decodeSource(bytes: Uint8Array, fileName: string): string {
  if (bytes.length > MAX_SOURCE_BYTES) {
    throw new SourceTooLargeError(`${fileName} is ${megabytes(bytes.length)}; Builder edits files up to ${megabytes(MAX_SOURCE_BYTES)}.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    if (bytes.includes(0)) throw new BinarySourceError(`${fileName} looks binary (it holds NUL bytes); Builder edits text source files.`);
    throw new InputError(`${fileName} is not valid UTF-8 text; convert it to UTF-8 first.`);
  }
  checkSourceText(text, fileName);
  return text;
}
