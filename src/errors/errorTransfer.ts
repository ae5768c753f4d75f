/**
 * An error as it crosses a worker's postMessage: its name, message and own fields (an
 * UnknownTargetError's suggestions, a ConfigError's fields), and the class the receiver rebuilds
 * it as. Structured clone keeps only a few built-in error classes, and neither a subclass nor its
 * fields.
 */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
  /** The key in the sender's ErrorClasses of the first class it is an instance of; absent: none. */
  rebuildAs?: string;
}

/**
 * The classes both sides of a worker know, most specific first (a subclass before the class it
 * extends): an error of a class not listed is rebuilt as the nearest listed class it extends.
 */
export type ErrorClasses = Readonly<Record<string, abstract new (...args: never[]) => Error>>;

const CANCELLED = 'AbortError';

/** Whether a field survives structured clone as data: functions and symbols do not. */
const isData = (value: unknown): boolean => typeof value !== 'function' && typeof value !== 'symbol';

export function serializeError(error: unknown, classes: ErrorClasses): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) if (key !== 'name' && key !== 'message' && key !== 'stack' && isData(value)) fields[key] = value;
  const rebuildAs = Object.keys(classes).find((key) => error instanceof classes[key]!);
  return { name: error.name, message: error.message, fields, ...(rebuildAs ? { rebuildAs } : {}) };
}

/**
 * The error again: an instance of its class (so `instanceof` holds) with its name, message and
 * fields; a DOMException for a cancel; otherwise an Error with its name and fields.
 */
export function deserializeError(serialized: SerializedError, classes: ErrorClasses): Error {
  if (serialized.name === CANCELLED) return new DOMException(serialized.message, CANCELLED);
  const known = serialized.rebuildAs !== undefined && Object.hasOwn(classes, serialized.rebuildAs) ? classes[serialized.rebuildAs]! : Error;
  // Made without its constructor, whose parameters differ from class to class: the fields are the data.
  const error = Object.create(known.prototype) as Error;
  Object.defineProperty(error, 'message', { value: serialized.message, writable: true, configurable: true });
  Object.defineProperty(error, 'stack', { value: `${serialized.name}: ${serialized.message}\n    (thrown in a worker)`, writable: true, configurable: true });
  return Object.assign(error, { name: serialized.name }, serialized.fields);
}
