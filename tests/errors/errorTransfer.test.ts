import { describe, expect, it } from 'vitest';
import { deserializeError, type ErrorClasses, serializeError } from '../../src/errors/errorTransfer';
import { InputError, UnknownTargetError } from '../../src/errors/inputErrors';
import { ConfigError } from '../../src/models/diffusionConfig';
import { MissingModelFileError } from '../../src/runtime/modelFiles';
import { ENGINE_ERRORS } from '../../src/worker/engineProtocol';

/** Across a worker boundary: serialised on one side, structured-cloned, rebuilt on the other. */
const across = (error: unknown, classes: ErrorClasses = ENGINE_ERRORS) => deserializeError(structuredClone(serializeError(error, classes)), classes);

describe('errorTransfer', () => {
  it('rebuilds an error as its own class, with its message and fields', () => {
    const error = across(new UnknownTargetError('No definition named "fo".', 'fo', ['foo', 'for_each']));
    expect(error).toBeInstanceOf(UnknownTargetError);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ name: 'UnknownTargetError', message: 'No definition named "fo".', target: 'fo', suggestions: ['foo', 'for_each'] });
    expect(error.stack).toContain('No definition named "fo".');
  });

  it("keeps a ConfigError's fields by setting", () => {
    const error = across(new ConfigError({ steps: 'steps must be a number (got "x")' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).fields).toEqual({ steps: 'steps must be a number (got "x")' });
  });

  it('rebuilds a class the receiver does not list as the nearest listed class it extends, keeping its name and fields', () => {
    const error = across(new MissingModelFileError('The model folder has no onnx/model.onnx.', 'onnx/model.onnx'));
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ name: 'MissingModelFileError', message: 'The model folder has no onnx/model.onnx.', path: 'onnx/model.onnx' });
  });

  it('rebuilds a cancel as an AbortError, and anything else as an Error with its name', () => {
    expect(across(new DOMException('Generation was cancelled.', 'AbortError'))).toMatchObject({ name: 'AbortError', message: 'Generation was cancelled.' });
    const fault = across(Object.assign(new RangeError('offset out of bounds'), { code: 7 }));
    expect(fault).toBeInstanceOf(Error);
    expect(fault).not.toBeInstanceOf(InputError);
    expect(fault).toMatchObject({ name: 'RangeError', message: 'offset out of bounds', code: 7 });
    expect(across('a string thrown')).toMatchObject({ name: 'Error', message: 'a string thrown' });
  });

  it('lists every subclass before the class it extends, so the most specific listed class is chosen', () => {
    const names = Object.keys(ENGINE_ERRORS);
    for (const [i, name] of names.entries()) {
      const later = names.slice(i + 1).filter((other) => ENGINE_ERRORS[other]!.prototype instanceof ENGINE_ERRORS[name]!);
      expect(later, `${later.join(', ')} extend ${name} and must come before it`).toEqual([]);
    }
  });
});
