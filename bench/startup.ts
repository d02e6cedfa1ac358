// What a fresh `noether-ts` process pays before it does anything: Node, tsx, the engine,
// and the project's stage libraries (noether.config.json). The scheduler fires
// `noether-ts run compositions/sprint_tick_stateful.json` every minute, so this is paid on
// every tick. Each figure is the median of several fresh child processes, after one
// warm-up (tsx's transpile cache), as wall-clock time and as the child's CPU time (user +
// system, all its threads), which other load on a shared machine disturbs far less.
// Prints figures; asserts nothing.
//
// A stage definition's ajv checks are remembered across processes (engine/stage/
// verdicts.ts), so every start but the first after a stage changes skips them: the
// figures are for that case, and `stage list` is measured once more with the verdict
// folder emptied before each run, as on the first start after every stage changed.
//
// - node + tsx alone: the floor no change to the engine can go below.
// - `stage list`: the cheapest command that loads the stage libraries.
// - `graph check compositions/sprint_tick_stateful.json`: loading plus one check.
// - loadEngine in-process: a child that imports engine/engine.ts and awaits loadEngine,
//   timed from inside (the import and the call separately), so the CLI is not counted.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { verdictFolder } from '../engine/stage/verdicts.js';

const repo = fileURLToPath(new URL('../', import.meta.url));
const thisFile = fileURLToPath(import.meta.url);
const RUNS = 5;
const CHILD_FLAG = '--load-engine-child';

if (process.argv.includes(CHILD_FLAG)) {
  // The child of the in-process case: report its own timings on stdout, as one JSON line.
  const importStart = performance.now();
  const { loadEngine } = await import('../engine/engine.js');
  const loadStart = performance.now();
  const engine = await loadEngine({ root: repo });
  const end = performance.now();
  console.log(
    JSON.stringify({
      importMs: loadStart - importStart,
      loadMs: end - loadStart,
      stages: engine.registry.size,
    }),
  );
} else {
  main();
}

function main(): void {
  const cli = (...args: string[]) => ['engine/cli/main.ts', ...args];
  report('node --import tsx, empty script (the floor)', measure(['-e', '']));
  report('noether-ts stage list', measure(cli('stage', 'list')));
  report(
    'noether-ts stage list, no verdict recorded',
    measure(cli('stage', 'list'), { before: forgetVerdicts }),
  );
  report(
    'noether-ts graph check compositions/sprint_tick_stateful.json',
    measure(cli('graph', 'check', 'compositions/sprint_tick_stateful.json')),
  );
  const inProcess = measure([thisFile, CHILD_FLAG]);
  report('loadEngine in-process (whole child process)', inProcess);
  const inner = inProcess.stdout.map(
    (line) => JSON.parse(line) as { importMs: number; loadMs: number; stages: number },
  );
  console.log(
    `  inside it: import engine/engine.ts median ${median(inner.map((r) => r.importMs)).toFixed(0)} ms, ` +
      `await loadEngine median ${median(inner.map((r) => r.loadMs)).toFixed(0)} ms (${inner[0]?.stages ?? 0} stages)`,
  );
}

interface Measured {
  wallMs: number[];
  cpuMs: number[];
  /** The last line of each run's stdout. */
  stdout: string[];
}

/**
 * Runs `node --import tsx ARGS…` in the repository RUNS times after one warm-up. The
 * child's CPU time comes from a preloaded module that writes process.cpuUsage() to
 * stderr as it exits (a parent cannot read a child's rusage in Node).
 */
function measure(args: string[], { before = () => {} }: { before?: () => void } = {}): Measured {
  const cpuReport =
    "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>{const u=process.cpuUsage();writeSync(2,'\\ncpu-us '+(u.user+u.system)+'\\n')})";
  const argv = ['--import', cpuReport, '--import', 'tsx', ...args];
  const result: Measured = { wallMs: [], cpuMs: [], stdout: [] };
  for (let run = 0; run <= RUNS; run++) {
    before();
    const start = performance.now();
    const child = spawnSync(process.execPath, argv, { cwd: repo, encoding: 'utf8' });
    const wall = performance.now() - start;
    if (child.status !== 0)
      throw new Error(`node ${args.join(' ')} exited with ${child.status}: ${child.stderr}`);
    const cpu = /cpu-us (\d+)\s*$/.exec(child.stderr)?.[1];
    if (run === 0) continue;
    result.wallMs.push(wall);
    result.cpuMs.push(Number(cpu) / 1000);
    result.stdout.push(child.stdout.trim().split('\n').at(-1) ?? '');
  }
  return result;
}

/** Empties the verdict folder (other processes that find a verdict missing only check again). */
function forgetVerdicts(): void {
  const folder = verdictFolder();
  if (folder === undefined) return;
  for (const file of readdirSync(folder)) rmSync(join(folder, file), { force: true });
}

function report(label: string, measured: Measured): void {
  const { wallMs, cpuMs } = measured;
  console.log(
    `${label}: median ${median(wallMs).toFixed(0)} ms wall (min ${Math.min(...wallMs).toFixed(0)}), ` +
      `median ${median(cpuMs).toFixed(0)} ms CPU (min ${Math.min(...cpuMs).toFixed(0)}), ${RUNS} runs`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
