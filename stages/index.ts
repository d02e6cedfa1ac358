// Caloron's stages (CALORON §3), one file per stage, grouped by area; each area's
// index.ts lists its stages. noether.config.json names this module, so every noether-ts
// command run in the repository finds them by name.
export * from './dag/index.js';
export * from './github/index.js';
export * from './kickoff/index.js';
export * from './phases/index.js';
export * from './retro/index.js';
export * from './sprint/index.js';
export * from './supervisor/index.js';
