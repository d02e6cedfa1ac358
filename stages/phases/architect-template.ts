// architect_po's deterministic template: the design it gives when no LLM answers. It
// must be useful, not only valid, so the components are the names the goal itself
// gives (PascalCase words such as `TodoStore`, acronyms such as `API`, and capitalised
// words inside a sentence); a capitalised word that only opens a sentence ("Build …") is
// not a name, which the Python template got wrong.
import type { ArchitectPoOutput, Component } from '../../schemas/generated/types.js';

const MAX_COMPONENTS = 5;
const TITLE_MAX = 80;

export interface ArchitectBrief {
  goal: string;
  constraints: string;
}

export function architectTemplate(brief: ArchitectBrief): ArchitectPoOutput {
  const names = componentNames(brief.goal);
  const components = (names.length === 0 ? ['Core'] : names).map((name): Component => ({
    name,
    purpose: `Implements the '${name}' responsibility derived from the goal.`,
    interface: `Public surface for ${name}; see design_doc for contract.`,
  }));
  return {
    design_doc: designDoc(brief, components),
    components: components as ArchitectPoOutput['components'],
    risks: risksOf(brief.goal, components),
    source: 'template',
  };
}

/** The names the goal gives, in order of first mention, de-duplicated case-insensitively. */
function componentNames(goal: string): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const match of goal.matchAll(/[A-Za-z][A-Za-z0-9_]*/g)) {
    const word = match[0];
    if (!/^[A-Z][A-Za-z0-9_]{2,99}$/.test(word)) continue;
    const named = /[A-Z]/.test(word.slice(1)) || !opensSentence(goal, match.index);
    if (!named || seen.has(word.toLowerCase())) continue;
    seen.add(word.toLowerCase());
    names.push(word);
    if (names.length === MAX_COMPONENTS) break;
  }
  return names;
}

/** Whether only spacing, quotes or list markers stand between a sentence end and `index`. */
function opensSentence(text: string, index: number): boolean {
  const before = text.slice(0, index);
  return /(^|[.!?:;\n])[\s"'`(*>#-]*$/.test(before);
}

function designDoc(brief: ArchitectBrief, components: readonly Component[]): string {
  const sections = [`# Design — ${titleOf(brief.goal)}`, `## Goal\n\n${brief.goal}`];
  if (brief.constraints !== '') sections.push(`## Constraints\n\n${brief.constraints}`);
  sections.push(
    `## Components\n\n${components.map((component) => `- **${component.name}** — ${component.purpose}`).join('\n')}`,
  );
  return `${sections.join('\n\n')}\n`;
}

function titleOf(goal: string): string {
  const line =
    goal
      .split('\n')
      .find((text) => text.trim() !== '')
      ?.trim() ?? goal.trim();
  return line.length <= TITLE_MAX ? line : `${line.slice(0, TITLE_MAX - 1).trimEnd()}…`;
}

// Matched as words: the Python check looked for the substring "auth", so a goal about
// an "author" was warned about security.
const AUTH = /\b(?:o?auth2?|authn|authz|authenticat\w*|authori[sz]\w*|log-?in|sign-?in)\b/i;
const SECURITY = /\b(?:security|secure|threat)\b/i;

function risksOf(goal: string, components: readonly Component[]): string[] {
  const risks: string[] = [];
  if (components.length === 1)
    risks.push(
      'Only one component was identified: the work may not split into parallel tasks; name the parts in the goal to get more.',
    );
  if (AUTH.test(goal) && !SECURITY.test(goal))
    risks.push(
      'The goal involves authentication but states no security requirements: agree on credential storage, session expiry and threat model before building.',
    );
  return risks;
}
