// The NoetherError a call throws, for tests that assert on its code and place.
import { NoetherError } from '../engine/errors.js';

export function rejection(run: () => unknown): NoetherError {
  try {
    run();
  } catch (error) {
    if (error instanceof NoetherError) return error;
    throw error;
  }
  throw new Error('expected a NoetherError, but the call returned');
}
