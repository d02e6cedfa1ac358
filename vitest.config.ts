import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // vitest's default (one worker per core, less one) runs one file at a time on a 2-core
    // machine. Much of this suite waits on child processes, servers and ticks rather than
    // computing, so one worker per core: on 2 cores the suite takes ~255 s instead of ~383 s.
    maxWorkers: Math.max(2, availableParallelism()),
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
