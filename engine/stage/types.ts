// What a stage is once registered (ENGINE §1). Built-in stages come from defineStage,
// command stages from `*.stage.json` specs; both end up as a `Stage` with content ids.
import type { JsonSchema } from '../schema/types.js';

export const EFFECTS = [
  'Pure',
  'Fallible',
  'Network',
  'Llm',
  'NonDeterministic',
  'Process',
  'FsRead',
  'FsWrite',
  'Cost',
] as const;
export type Effect = (typeof EFFECTS)[number];

/** Handed to every stage call by the executor (ENGINE §5). */
export interface StageContext {
  signal: AbortSignal;
  log(message: string, data?: unknown): void;
  /** Runs when the whole run ends, success or failure: release locks and other resources. */
  onRunEnd(fn: () => void | Promise<void>): void;
  env: Readonly<Record<string, string | undefined>>;
}

export interface StageExample {
  input: unknown;
  output: unknown;
}

export type StageImplementation =
  | {
      kind: 'builtin';
      run: (input: unknown, ctx: StageContext) => unknown;
      /** The file the stage was defined in (its content is the implementation hash). */
      sourceFile: string | undefined;
    }
  | {
      kind: 'command';
      /** argv; relative paths already resolved against the spec file's folder. */
      command: string[];
      /** The folder of the spec file: the command's working directory. */
      cwd: string;
      specFile: string;
    };

export interface Stage {
  name: string;
  description: string;
  input: JsonSchema;
  output: JsonSchema;
  /** Sorted in EFFECTS order, no duplicates. */
  effects: readonly Effect[];
  implementation: StageImplementation;
  timeoutMs?: number;
  examples: readonly StageExample[];
  /** SHA-256 of JCS {name, input, output, effects, implementation_hash}. */
  id: string;
  /** The same without implementation_hash. */
  signatureId: string;
  implementationHash: string;
}
