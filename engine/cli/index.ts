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
import { schemaSub } from './schema.js';
import { stageList, stageShow } from './stage.js';

export type { CliIO } from './output.js';

const USAGE = `usage: noether-ts <command> [options]

commands:
  graph check FILE…   type-check compositions
      --strict              undecided edges are errors
      --print-input         print the (declared or inferred) input schema
      --allow-effects LIST  only these effects may appear (comma-separated)
      --deny-effects LIST   these effects may not appear
  graph id FILE       print the composition id
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
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

const COMMANDS = {
  'graph check': {
    ...COMMON,
    strict: { type: 'boolean', default: false },
    'print-input': { type: 'boolean', default: false },
    'allow-effects': { type: 'string' },
    'deny-effects': { type: 'string' },
  },
  'graph id': COMMON,
  'stage list': COMMON,
  'stage show': COMMON,
  'schema sub': {
    ...COMMON,
    strict: { type: 'boolean', default: false },
    batch: { type: 'string' },
    dialect: { type: 'string' },
  },
} as const satisfies Record<string, ParseArgsConfig['options']>;

type Command = keyof typeof COMMANDS;

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [group, action, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    io.stdout(USAGE);
    return group === undefined ? 1 : 0;
  }
  if (group === '--version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const command = `${group} ${action ?? ''}`;
  const json = argv.includes('--json');
  try {
    if (!isCommand(command)) {
      throw new NoetherError('NOE_USAGE', `unknown command "${[group, action].filter(Boolean).join(' ')}"`);
    }
    return await dispatch(command, rest, io);
  } catch (error) {
    if (!isNoetherError(error)) throw error;
    if (json) {
      envelopeError(io, command.trim(), {
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

async function dispatch(command: Command, args: string[], io: CliIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: COMMANDS[command], allowPositionals: true, strict: true });
  } catch (cause) {
    throw new NoetherError('NOE_USAGE', `${command}: ${(cause as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const engine = (): Promise<Engine> => loadEngine({ cwd: io.cwd, stages: values.stages });
  switch (command) {
    case 'graph check': {
      const v = values as typeof values & { strict: boolean; 'print-input': boolean } & Record<
          string,
          unknown
        >;
      return graphCheck(
        await engine(),
        positionals,
        {
          json: v.json,
          strict: v.strict,
          printInput: v['print-input'],
          ...(typeof v['allow-effects'] === 'string' ? { allowEffects: v['allow-effects'] } : {}),
          ...(typeof v['deny-effects'] === 'string' ? { denyEffects: v['deny-effects'] } : {}),
        },
        io,
      );
    }
    case 'graph id':
      return graphId(positionals, values.json, io);
    case 'stage list':
      return stageList(await engine(), values.json, io);
    case 'stage show':
      return stageShow(await engine(), positionals, values.json, io);
    case 'schema sub': {
      const v = values as typeof values & { strict: boolean } & Record<string, unknown>;
      return schemaSub(
        positionals,
        {
          json: v.json,
          strict: v.strict,
          ...(typeof v.batch === 'string' ? { batch: v.batch } : {}),
          ...(typeof v.dialect === 'string' ? { dialect: v.dialect } : {}),
        },
        io,
      );
    }
    default:
      throw new NoetherError('NOE_INTERNAL', `command ${String(command satisfies never)} has no handler`);
  }
}

function isCommand(command: string): command is Command {
  return Object.hasOwn(COMMANDS, command);
}

function packageVersion(): string {
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
