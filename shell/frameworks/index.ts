// The framework registry (CALORON §6): the agent CLIs and the built-in stub, by name.
import { cliFramework, CLI_SPECS, verdictOf } from './cli.js';
import { stubFramework } from './stub.js';
import type { Framework, FrameworkName } from './types.js';

export type * from './types.js';
export { CLI_SPECS, verdictOf };
export { STUB_REVIEW_MARK, stubFile } from './stub.js';

export const FRAMEWORK_NAMES: readonly FrameworkName[] = [
  'stub',
  ...(Object.keys(CLI_SPECS) as FrameworkName[]),
];

/** Every variable some framework reads its model credentials from: the shell hands these to harnesses. */
export const FRAMEWORK_CREDENTIALS: readonly string[] = [
  ...new Set(Object.values(CLI_SPECS).flatMap((spec) => spec.credentials)),
];

export function framework(name: FrameworkName): Framework {
  return name === 'stub' ? stubFramework : cliFramework(name);
}
