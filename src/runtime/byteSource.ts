/**
 * Byte access the converter is written against, so the same code runs on files in Node and on
 * HTTP Range requests in the browser. It reads checkpoints tensor by tensor through these and
 * never needs a whole multi-gigabyte file in memory.
 */

/** Random access to the bytes of one file. */
export interface ByteSource {
  /** Total length in bytes. */
  readonly size: number;
  /** Exactly `length` bytes from `offset`; rejects when the range runs past `size`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A ByteSource that holds something open (a file handle) until closed. */
export interface OpenedByteSource extends ByteSource {
  close(): Promise<void>;
}

/** Where bytes are written in order, e.g. a file being created. */
export interface ByteSink {
  write(bytes: Uint8Array): Promise<void>;
}

/**
 * A folder of files named by relative paths with `/` separators: a local folder, or a Hugging
 * Face repository over HTTP. Missing files are reported as InputError naming the file.
 */
export interface FileFolder {
  /** Where the folder is, for messages: a path or a URL. */
  readonly location: string;
  exists(path: string): Promise<boolean>;
  readText(path: string): Promise<string>;
  open(path: string): Promise<OpenedByteSource>;
}
