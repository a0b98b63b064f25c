import { TinyBackspaceError } from '../../errors/tiny-backspace-error';

/** Steps run in order; a missing field means an earlier step was skipped, which is a bug. */
export function requireState<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new TinyBackspaceError('internal', `Pipeline state "${name}" is missing.`);
  return value;
}
