// The example library's built-in stages, for noether.config.json. The command stages
// (add_one, greet) are *.stage.json files in this folder, loaded as a folder library.
export { describeLength } from './describe_length.js';
export { isLong } from './is_long.js';
export { shout } from './shout.js';
export { wordCount } from './word_count.js';
