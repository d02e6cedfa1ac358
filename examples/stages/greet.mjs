// greet: the implementation of greet.stage.json. Reads {"name": string} as JSON on stdin
// and writes {"greeting": string} as JSON on stdout (the command-stage protocol, ENGINE §1).
import process from 'node:process';

let text = '';
for await (const chunk of process.stdin) text += chunk;
const { name } = JSON.parse(text);
process.stdout.write(JSON.stringify({ greeting: `Hello, ${name}!` }));
