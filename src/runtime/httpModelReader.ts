import { InputError } from '../errors/inputErrors';
import { MissingModelFileError, type ModelFileReader } from './modelFiles';

/** A model folder served over HTTP, such as the demo models in public/models. */
export function httpModelReader(baseUrl: string): ModelFileReader {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    location: base,
    read: async (path) => {
      const response = await fetch(new URL(path, base));
      if (response.status === 404) throw new MissingModelFileError(`${new URL(path, base).href} answered 404 Not Found.`, path);
      if (!response.ok) throw new InputError(`${new URL(path, base).href} answered ${response.status} ${response.statusText}.`);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
