// `noether-ts`: parse the command line, call the engine, print, return the exit code
// (0 ok, 1 usage/parse/resolution, 2 type or policy, 3 execution). Every failure is
// a coded error; nothing reaches the user as a stack trace unless it is a bug.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { catalogue, isNoetherError, NoetherError } from '../errors.js';
import { loadEngine, type Engine } from '../engine.js';
import { graphCheck, graphId } from './graph.js';
import { envelopeError, type CliIO } from './output.js';
import { runGraph } from './run.js';
import { schemaSub } from './schema.js';
import { stageList, stageShow } from './stage.js';
import { showTrace } from './trace.js';

export type { CliIO } from './output.js';

const USAGE = `usage: noether-ts <command> [options]

commands:
  graph check FILE…   type-check compositions
      --strict              undecided edges are errors
      --print-input         print the (declared or inferred) input schema
      --allow-effects LIST  only these effects may appear (comma-separated)
      --deny-effects LIST   these effects may not appear
  graph id FILE       print the composition id
  run FILE            run a composition; its output JSON on stdout
      --input JSON          the input (else --input-file F, else stdin)
      --input-file F        read the input from a file
      --timeout MS          bound the whole run
      --no-validate         skip validating stage inputs and outputs
      --no-cache            do not use the pure-stage cache
      --cache-dir D         keep cached outputs in folder D as well
      --trace-values        record stage inputs and outputs in the trace
      --strict, --allow-effects LIST, --deny-effects LIST   as for graph check
  trace [ID]          show the trace of a run (default: the latest)
      --last                the latest run
  stage list          list the loaded stages
  stage show REF      show one stage (name, name@hex, id or id prefix)
  schema sub SUB SUP  is every value of SUB valid against SUP? (files or inline JSON)
      --dialect D           draft-04 or 2020-12
      --batch FILE          JSON lines {"lhs","rhs","dialect"?} from FILE (- for stdin)

options for every command:
  --stages PATH       add a stage library (module or folder of *.stage.json); repeatable
  --json              answer with one JSON envelope
  --help, --version
`;

const COMMON = {
  json: { type: 'boolean', default: false },
  stages: { type: 'string', multiple: true, default: [] },
} as const satisfies ParseArgsConfig['options'];

type Handler = (args: string[], io: CliIO) => Promise<number> | number;

const COMMANDS: Record<string, Handler> = {
  'graph check': async (args, io) => {
    const { values, positionals } = parse('graph check', args, {
      strict: { type: 'boolean', default: false },
      'print-input': { type: 'boolean', default: false },
      'allow-effects': { type: 'string' },
      'deny-effects': { type: 'string' },
    });
    const flags = {
      json: values.json,
      strict: values.strict,
      printInput: values['print-input'],
      ...(values['allow-effects'] === undefined ? {} : { allowEffects: values['allow-effects'] }),
      ...(values['deny-effects'] === undefined ? {} : { denyEffects: values['deny-effects'] }),
    };
    return graphCheck(await engineFor(values.stages, io), positionals, flags, io);
  },
  'graph id': (args, io) => {
    const { values, positionals } = parse('graph id', args, {});
    return graphId(positionals, values.json, io);
  },
  run: async (args, io) => {
    const { values, positionals } = parse('run', args, {
      input: { type: 'string' },
      'input-file': { type: 'string' },
      timeout: { type: 'string' },
      'no-validate': { type: 'boolean', default: false },
      'no-cache': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      'trace-values': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
      'allow-effects': { type: 'string' },
      'deny-effects': { type: 'string' },
    });
    const flags = {
      json: values.json,
      validate: !values['no-validate'],
      cache: !values['no-cache'],
      traceValues: values['trace-values'],
      strict: values.strict,
      input: values.input,
      inputFile: values['input-file'],
      timeout: values.timeout,
      cacheDir: values['cache-dir'],
      allowEffects: values['allow-effects'],
      denyEffects: values['deny-effects'],
    };
    return runGraph(await engineFor(values.stages, io), positionals, flags, io);
  },
  trace: (args, io) => {
    const { values, positionals } = parse('trace', args, { last: { type: 'boolean', default: false } });
    return showTrace(positionals, { json: values.json, last: values.last }, io);
  },
  'stage list': async (args, io) => {
    const { values } = parse('stage list', args, {});
    return stageList(await engineFor(values.stages, io), values.json, io);
  },
  'stage show': async (args, io) => {
    const { values, positionals } = parse('stage show', args, {});
    return stageShow(await engineFor(values.stages, io), positionals, values.json, io);
  },
  'schema sub': (args, io) => {
    const { values, positionals } = parse('schema sub', args, {
      strict: { type: 'boolean', default: false },
      batch: { type: 'string' },
      dialect: { type: 'string' },
    });
    const flags = {
      json: values.json,
      strict: values.strict,
      ...(values.batch === undefined ? {} : { batch: values.batch }),
      ...(values.dialect === undefined ? {} : { dialect: values.dialect }),
    };
    return schemaSub(positionals, flags, io);
  },
};

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [group, action, ...rest] = argv;
  if (group === undefined || argv.includes('--help') || argv.includes('-h') || group === 'help') {
    io.stdout(USAGE);
    return group === undefined ? 1 : 0;
  }
  if (group === '--version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  // `run` and `trace` are one-word commands: their first argument is not an action.
  const single = Object.hasOwn(COMMANDS, group) && !group.includes(' ');
  const command = single ? group : [group, action].filter((w) => w !== undefined).join(' ');
  const args = single ? argv.slice(1) : rest;
  try {
    const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (handler === undefined) throw new NoetherError('NOE_USAGE', `unknown command "${command}"`);
    return await handler(args, io);
  } catch (error) {
    if (!isNoetherError(error)) throw error;
    if (argv.includes('--json')) {
      envelopeError(io, command, {
        code: error.code,
        message: error.message,
        details: { ...error.details, diagnostics: error.diagnostics, hint: catalogue[error.code].hint },
      });
    } else {
      io.stderr(`noether-ts: ${error.code}: ${error.message}\n  fix: ${error.hint}\n`);
      if (error.code === 'NOE_USAGE') io.stderr(USAGE);
    }
    return error.exitCode;
  }
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new NoetherError('NOE_USAGE', `${command}: ${(cause as Error).message}`);
  }
}

function engineFor(stages: string[], io: CliIO): Promise<Engine> {
  return loadEngine({ cwd: io.cwd, stages });
}

/** This package's version, found from wherever the code runs (source or dist/). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'noether-ts') return pkg.version ?? 'unknown';
    } catch {
      // not here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
