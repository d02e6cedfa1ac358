// dev_po's deterministic template: per component, in order, an implementation task and a
// tests task that depends on it. Ids come from the component names through the id rule
// (task-ids.ts), unique even when two names slug alike or a name has no letter at all.
import type { Component, PhaseTask } from '../../schemas/generated/types.js';
import { uniqueSlugs } from './task-ids.js';

/** The agent framework of planned tasks and reviews when the input names none. */
export const DEFAULT_FRAMEWORK = 'claude-code';
const IMPL_PREFIX = 'impl-';
export const TESTS_PREFIX = 'tests-';

export function devTemplate(components: readonly Component[], framework: string): PhaseTask[] {
  const slugs = uniqueSlugs(
    components.map((component) => component.name),
    TESTS_PREFIX,
    'component',
  );
  return components.flatMap((component, index) => {
    const slug = slugs[index] ?? '';
    const implId = `${IMPL_PREFIX}${slug}`;
    return [
      {
        id: implId,
        title: `Implement ${component.name}`,
        depends_on: [],
        agent_prompt: [
          `Implement the ${component.name} component.`,
          `Purpose: ${component.purpose}`,
          `Interface: ${component.interface}`,
          'Build the minimum viable version that satisfies the interface, following the design doc; keep it small and readable.',
        ].join('\n'),
        framework,
        component: component.name,
      },
      {
        id: `${TESTS_PREFIX}${slug}`,
        title: `Tests for ${component.name}`,
        depends_on: [implId],
        agent_prompt: [
          `Write tests for the ${component.name} component.`,
          `Interface under test: ${component.interface}`,
          'Cover the happy path and at least one edge case; the tests must run in the project test runner and pass.',
        ].join('\n'),
        framework,
        component: component.name,
      },
    ];
  });
}
