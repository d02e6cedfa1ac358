// `npm run bench`: every benchmark, one after the other, each in its own process so
// that one's warm caches do not flatter the next.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url);
for (const file of readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .sort()) {
  console.log(`\n== bench/${file}`);
  execFileSync(process.execPath, ['--import', 'tsx', new URL(file, here).pathname], { stdio: 'inherit' });
}
