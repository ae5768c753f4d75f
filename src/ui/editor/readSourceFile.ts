import { decodeSource } from '../../syntax/decodeSource';

/** A file the user opened or dropped, as text; throws an InputError saying why not. */
export async function readSourceFile(file: File): Promise<string> {
  return decodeSource(new Uint8Array(await file.arrayBuffer()), file.name);
}
