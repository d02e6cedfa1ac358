// The `caloron_feedback` block an agent posts on its task's issue when it finishes
// (reference §3.15; original Caloron docs/reference/feedback.md), read with `yaml`. The
// Python stage found only a `---`-delimited block and silently dropped one of the wrong
// shape; here a fenced ```yaml block and a bare block are read too, and a block that is not
// valid YAML or not of the AgentFeedback shape is kept with parsed null and the raw body,
// so the retro can say an agent's feedback was unreadable rather than absent.
import { parse } from 'yaml';
import { validateValue } from '../../engine/schema/index.js';
import type { FeedbackItem } from '../../schemas/generated/types.js';
import { domainSchema } from '../../schemas/index.js';
import type { ForgeComment } from './client/index.js';

const KEY = 'caloron_feedback:';
const RAW_BODY_CHARS = 500;

// Delimited blocks, in the order tried: a front-matter style `---` pair, a fenced block.
const BLOCKS = [
  /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*$/gm,
  /^```(?:ya?ml)?[ \t]*\r?\n([\s\S]*?)\r?\n```[ \t]*$/gm,
];

/** The YAML text of the comment's feedback block, or null when it has none. */
export function feedbackBlockOf(body: string): string | null {
  if (!body.includes(KEY)) return null;
  for (const pattern of BLOCKS)
    for (const match of body.matchAll(pattern)) if (match[1]?.includes(KEY)) return match[1];
  // No delimiters: from the key's line to the end of the comment.
  const start = body.search(/^caloron_feedback:/m);
  return start === -1 ? null : body.slice(start);
}

function parsedFeedback(block: string): unknown {
  try {
    const doc: unknown = parse(block);
    return typeof doc === 'object' && doc !== null && !Array.isArray(doc)
      ? (doc as Record<string, unknown>)['caloron_feedback']
      : undefined;
  } catch {
    return undefined;
  }
}

/** The feedback item a comment carries, or null when it carries no feedback block. */
export function feedbackItemOf(issueNumber: number, comment: ForgeComment): FeedbackItem | null {
  const block = feedbackBlockOf(comment.body);
  if (block === null) return null;
  const base = {
    issue_number: issueNumber,
    author: comment.user ?? '',
    created_at: comment.created_at.toISOString(),
  };
  const item = { ...base, parsed: parsedFeedback(block) };
  if (validateValue(domainSchema('feedback-item'), item).length === 0) return item as FeedbackItem;
  return { ...base, parsed: null, raw_body: comment.body.slice(0, RAW_BODY_CHARS) };
}
