// The agent CLIs, each run the way its documentation gives for non-interactive use. The
// prompt is one argv element (never a token: tokens reach a CLI only through its own
// environment variables); cwd is the worktree; stdout is both kept (the reviewer's verdict is
// read from it) and copied to the harness's own stdout, which the shell appends to the
// agent's log file.
import { execa } from 'execa';
import { NoetherError } from '../../engine/errors.js';
import type { Framework, FrameworkName, FrameworkResult, FrameworkRun, Role } from './types.js';

type CliName = Exclude<FrameworkName, 'stub'>;

interface CliSpec {
  file: string;
  args(prompt: string, role: Role): string[];
  /** The environment variables the CLI reads its model credentials from. */
  credentials: readonly string[];
}

// Developers may edit files without asking; reviewers get each CLI's read-only mode where it
// has one, so a review cannot change the PR head behind the harness's back.
export const CLI_SPECS: Record<CliName, CliSpec> = {
  // claude -p: print mode, one prompt, then exit.
  'claude-code': {
    file: 'claude',
    credentials: ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN'],
    args: (prompt, role) => [
      '-p',
      prompt,
      '--output-format',
      'text',
      '--permission-mode',
      role === 'developer' ? 'acceptEdits' : 'plan',
    ],
  },
  // gemini -p: non-interactive; yolo auto-approves the tool calls an edit needs.
  'gemini-cli': {
    file: 'gemini',
    credentials: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    args: (prompt, role) => ['-p', prompt, ...(role === 'developer' ? ['--approval-mode', 'yolo'] : [])],
  },
  // codex exec: non-interactive; read-only sandbox by default, workspace-write to edit.
  'codex-cli': {
    file: 'codex',
    credentials: ['OPENAI_API_KEY'],
    args: (prompt, role) => [
      'exec',
      '--sandbox',
      role === 'developer' ? 'workspace-write' : 'read-only',
      '--skip-git-repo-check',
      prompt,
    ],
  },
  // opencode run: one message, then exit.
  opencode: {
    file: 'opencode',
    args: (prompt) => ['run', prompt],
    credentials: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY'],
  },
  // aider --message: do one thing and exit; --yes answers its confirmations; the harness
  // commits, so aider's own auto-commits are off.
  aider: {
    file: 'aider',
    credentials: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'OPENROUTER_API_KEY'],
    args: (prompt, role) => [
      '--message',
      prompt,
      '--yes',
      '--no-auto-commits',
      ...(role === 'reviewer' ? ['--dry-run'] : []),
    ],
  },
  // cursor-agent -p: print mode; --force lets it write files without asking.
  'cursor-cli': {
    file: 'cursor-agent',
    credentials: ['CURSOR_API_KEY'],
    args: (prompt, role) => [
      '-p',
      prompt,
      '--output-format',
      'text',
      ...(role === 'developer' ? ['--force'] : ['--mode', 'ask']),
    ],
  },
};

// The reviewer prompt asks for this on a line of its own; the last one wins, because the
// CLI may quote the instruction before answering.
const VERDICT_RE = /^\W*(APPROVE|REQUEST_CHANGES)\b/gm;

export function verdictOf(output: string): 'APPROVE' | 'REQUEST_CHANGES' | null {
  let verdict: 'APPROVE' | 'REQUEST_CHANGES' | null = null;
  for (const match of output.matchAll(VERDICT_RE)) verdict = match[1] as 'APPROVE' | 'REQUEST_CHANGES';
  return verdict;
}

export function cliFramework(name: CliName): Framework {
  const spec = CLI_SPECS[name];
  return {
    name,
    async run(run: FrameworkRun): Promise<FrameworkResult> {
      const result = await execa(spec.file, spec.args(run.prompt, run.role), {
        cwd: run.worktree,
        env: run.env,
        extendEnv: false,
        stdin: 'ignore',
        stdout: ['pipe', 'inherit'],
        stderr: 'inherit',
        timeout: run.timeoutMs,
        cancelSignal: run.signal,
        forceKillAfterDelay: 5000,
        reject: false,
      });
      if (result.failed) {
        const why = result.timedOut
          ? `timed out after ${run.timeoutMs} ms`
          : result.isCanceled
            ? 'cancelled'
            : result.exitCode !== undefined
              ? `exited with code ${result.exitCode}`
              : `could not run (${result.code ?? result.signal ?? 'unknown'})`;
        throw new NoetherError(
          result.timedOut ? 'NOE_TIMEOUT' : result.isCanceled ? 'NOE_CANCELLED' : 'NOE_COMMAND_FAILED',
          `framework ${name} (${spec.file}) ${why}`,
        );
      }
      const output = result.stdout;
      if (run.role === 'developer') return { output };
      const verdict = verdictOf(output);
      if (verdict === null)
        throw new NoetherError(
          'NOE_COMMAND_OUTPUT',
          `framework ${name} gave no verdict: its output has no line starting APPROVE or REQUEST_CHANGES`,
        );
      return { output, verdict };
    },
  };
}
