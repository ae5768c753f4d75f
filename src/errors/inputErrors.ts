/**
 * Errors caused by what the user gave us, as opposed to faults of ours. Each has a name the UI
 * and the CLI can react to (the CLI exits 2 with the message, the app shows it) and a message
 * that tells the person what to do.
 */
export class InputError extends Error {
  override name = 'InputError';
}

export class EmptySourceError extends InputError {
  override name = 'EmptySourceError';
}

export class BinarySourceError extends InputError {
  override name = 'BinarySourceError';
}

export class SourceTooLargeError extends InputError {
  override name = 'SourceTooLargeError';
}

export class UnsupportedLanguageError extends InputError {
  override name = 'UnsupportedLanguageError';
}

export class SourceSyntaxError extends InputError {
  override name = 'SourceSyntaxError';
}

export class UnknownTargetError extends InputError {
  override name = 'UnknownTargetError';
  constructor(
    message: string,
    readonly target: string,
    readonly suggestions: string[],
  ) {
    super(message);
  }
}

export class AmbiguousTargetError extends InputError {
  override name = 'AmbiguousTargetError';
  constructor(
    message: string,
    readonly target: string,
    readonly candidates: string[],
  ) {
    super(message);
  }
}

export class TargetError extends InputError {
  override name = 'TargetError';
}
