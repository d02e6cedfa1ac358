// A built-in's implementation hash is the bytes of the file that called defineStage
// (ENGINE §1), found from V8 call sites however the file was loaded: by the test runner,
// through tsx as ESM, through tsx as CommonJS. With no file at all, the run function's
// text stands in.
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../engine/json/jcs.js';
import { loadStages, type Stage } from '../../engine/stage/index.js';
import { counted } from '../fixtures/stages/modules/counted.js';

const fixture = fileURLToPath(new URL('../fixtures/stages/modules/counted.ts', import.meta.url));
const engineEntry = fileURLToPath(new URL('../../engine/stage/index.ts', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const folders: string[] = [];

afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

async function freshFolder(moduleType: 'module' | 'commonjs'): Promise<string> {
  const folder = realpathSync(await mkdtemp(join(tmpdir(), 'noether-source-')));
  folders.push(folder);
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: moduleType }));
  return folder;
}

/** A copy of the fixture in a fresh folder, importing the engine by absolute URL. */
async function copyFixture(moduleType: 'module' | 'commonjs'): Promise<string> {
  const folder = await freshFolder(moduleType);
  const source = readFileSync(fixture, 'utf8').replace(
    "'../../../../engine/stage/index.js'",
    JSON.stringify(moduleType === 'module' ? pathToFileURL(engineEntry).href : engineEntry),
  );
  const file = join(folder, 'counted.ts');
  writeFileSync(file, source);
  return file;
}

async function loadOne(file: string): Promise<Stage> {
  const [stage] = (await loadStages([file], '/')).list();
  if (!stage) throw new Error(`no stage loaded from ${file}`);
  return stage;
}

describe('the source file of a built-in', () => {
  it('is the file that called defineStage when the test runner imports it', () => {
    expect(counted.implementation).toMatchObject({ kind: 'builtin', sourceFile: fixture });
  });

  it('is hashed byte for byte into the implementation hash', () => {
    expect(counted.implementationHash).toBe(sha256Hex(readFileSync(fixture)));
  });

  it('is found for a module that tsx imports as ESM', async () => {
    const file = await copyFixture('module');
    const stage = await loadOne(file);
    expect(stage.implementation).toMatchObject({ kind: 'builtin', sourceFile: file });
    expect(stage.implementationHash).toBe(sha256Hex(readFileSync(file)));
  });

  it('is found for a module that tsx compiles as CommonJS', async () => {
    const file = await copyFixture('commonjs');
    const stage = await loadOne(file);
    expect(stage.implementation).toMatchObject({ kind: 'builtin', sourceFile: file });
  });

  it('is found for compiled JavaScript run by node, as from dist/', async () => {
    const out = await freshFolder('module');
    symlinkSync(join(repositoryRoot, 'node_modules'), join(out, 'node_modules'));
    const tsc = join(repositoryRoot, 'node_modules/typescript/bin/tsc');
    const compile = [
      '--ignoreConfig',
      '--outDir',
      out,
      '--rootDir',
      repositoryRoot,
      '--module',
      'nodenext',
      '--target',
      'es2022',
    ];
    execFileSync(process.execPath, [
      tsc,
      ...compile,
      '--types',
      'node',
      '--skipLibCheck',
      engineEntry,
      fixture,
    ]);
    const compiled = join(out, 'test/fixtures/stages/modules/counted.js');
    const script = `const { counted } = await import(${JSON.stringify(pathToFileURL(compiled).href)});
      console.log(counted.implementation.sourceFile);`;
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(printed.trim()).toBe(compiled);
  });

  it('changes the id, and only the id, when its bytes change', async () => {
    const file = await copyFixture('module');
    const before = await loadOne(file);
    appendFileSync(file, '// an edit anywhere in the file\n');
    const after = await loadOne(file);
    expect(after.id).not.toBe(before.id);
    expect(after.signatureId).toBe(before.signatureId);
  });

  it('is replaced by the run function’s text when no call site names a file', () => {
    const script = `
      const { defineStage } = await import(${JSON.stringify(pathToFileURL(engineEntry).href)});
      const run = (value) => value;
      const stage = defineStage({ name: 'evaluated', description: 'Made by -e.', input: true, output: true, effects: ['Pure'], run });
      console.log(JSON.stringify({ sourceFile: stage.implementation.sourceFile ?? null, hash: stage.implementationHash, runText: run.toString() }));`;
    const printed = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repositoryRoot,
      encoding: 'utf8',
    });
    const { sourceFile, hash, runText } = JSON.parse(printed) as {
      sourceFile: null;
      hash: string;
      runText: string;
    };
    expect(sourceFile).toBeNull();
    expect(hash).toBe(sha256Hex(runText));
  });
});
