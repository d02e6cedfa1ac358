// harness.json (schemas/domain/harness-config.schema.json): read, checked against the schema
// at the boundary, defaults applied. A bad file is a usage error naming the field.
import { readFileSync } from 'node:fs';
import { NoetherError } from '../../engine/errors.js';
import { validateValue } from '../../engine/schema/index.js';
import type { HarnessConfig } from '../../schemas/generated/types.js';
import { domainSchema } from '../../schemas/index.js';

export type ResolvedHarnessConfig = Required<Omit<HarnessConfig, 'stub'>> & {
  stub: { request_changes_once: boolean };
};

export function readHarnessConfig(file: string): ResolvedHarnessConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new NoetherError('NOE_FILE_READ', `cannot read ${file}: ${(error as Error).message}`, {
      place: { file },
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new NoetherError('NOE_JSON_SYNTAX', `${file} is not JSON: ${(error as Error).message}`, {
      place: { file },
    });
  }
  return resolveHarnessConfig(value, file);
}

export function resolveHarnessConfig(value: unknown, file = 'harness.json'): ResolvedHarnessConfig {
  const violations = validateValue(domainSchema('harness-config'), value);
  const first = violations[0];
  if (first !== undefined)
    throw new NoetherError(
      'NOE_USAGE',
      `${file}: ${first.valuePointer || '/'} ${first.message} (see schemas/domain/harness-config.schema.json)`,
      { place: { file, pointer: first.valuePointer } },
    );
  const config = value as HarnessConfig;
  return {
    ...config,
    framework: config.framework ?? 'stub',
    heartbeat_interval_ms: config.heartbeat_interval_ms ?? 30000,
    framework_timeout_ms: config.framework_timeout_ms ?? 1800000,
    stub: { request_changes_once: config.stub?.request_changes_once ?? false },
  };
}
