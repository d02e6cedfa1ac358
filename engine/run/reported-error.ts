// The failure a command stage or a remote server reports in an envelope
// {"ok":false,"error":{"code","message"}}, and how much of a peer's text an error quotes
// back: enough to recognise the problem, never a megabyte of it in a message.
import { isJsonObject } from '../json/value.js';

const SNIPPET_CHARS = 200;
const MESSAGE_CHARS = 2000;

/** {"code","message"} as the protocol asks; a bare string is taken as the message; anything else is quoted. */
export function reportedError(error: unknown): { code: string | undefined; message: string } {
  if (typeof error === 'string') return { code: undefined, message: bound(error, MESSAGE_CHARS) };
  if (isJsonObject(error) && typeof error.message === 'string')
    return {
      code: typeof error.code === 'string' ? bound(error.code, SNIPPET_CHARS) : undefined,
      message: bound(error.message, MESSAGE_CHARS),
    };
  return { code: undefined, message: `(no message) ${snippet(JSON.stringify(error) ?? '')}` };
}

/** `[CODE] message`, or the message alone. */
export function formatReported({ code, message }: { code: string | undefined; message: string }): string {
  return code === undefined ? message : `[${code}] ${message}`;
}

/** The start of a peer's text, as a JSON string literal so that control characters show. */
export function snippet(text: string): string {
  return JSON.stringify(bound(text, SNIPPET_CHARS));
}

function bound(text: string, chars: number): string {
  return text.length > chars ? `${text.slice(0, chars)}…` : text;
}
