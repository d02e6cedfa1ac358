// The identity rules the poller reads (CALORON §2): task markers in issue bodies, closing
// keywords in pull request bodies, task branches.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linkedIssueOf, taskBranch, taskOfBranch } from '../../../stages/github/links.js';
import { readMarker, writeMarker } from '../../../stages/github/marker.js';

const id = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,63}$/);

describe('marker', () => {
  it('reads back what it writes, for every valid id pair and both kinds', () => {
    fc.assert(
      fc.property(id, id, fc.constantFrom('task', 'escalation' as const), (sprint, task, kind) => {
        const marker = { kind, sprint_id: sprint, task_id: task } as const;
        expect(readMarker(`# Title\n\nSome text\n${writeMarker(marker)}\n`)).toEqual(marker);
      }),
    );
  });

  it('writes the documented format', () => {
    expect(writeMarker({ kind: 'task', sprint_id: 's1', task_id: 'a' })).toBe(
      '<!-- caloron:task sprint=s1 task=a -->',
    );
  });

  it('refuses to write an id that breaks the id rule', () => {
    expect(() => writeMarker({ kind: 'task', sprint_id: 'S 1', task_id: 'a' })).toThrow(/sprint_id/);
  });

  it('finds nothing in a body without a marker, an empty body or a malformed marker', () => {
    expect(readMarker('Closes #3')).toBeNull();
    expect(readMarker(null)).toBeNull();
    expect(readMarker('<!-- caloron:task task=a sprint=s1 -->')).toBeNull();
    expect(readMarker('<!-- caloron:task sprint=S1 task=a -->')).toBeNull();
  });

  it('tolerates reflowed whitespace inside the comment', () => {
    expect(readMarker('<!--caloron:escalation   sprint=s1\ntask=b-->')).toEqual({
      kind: 'escalation',
      sprint_id: 's1',
      task_id: 'b',
    });
  });
});

describe('linkedIssueOf', () => {
  it.each([
    ['Closes #12', 12],
    ['fixes #3.', 3],
    ['This PR (resolves #7) adds x', 7],
    ['Resolved: #9', 9],
    ['closed #4\nFixes #5', 4],
    ['FIX #21', 21],
  ])('reads the issue a closing keyword names: %j', (body, issue) => {
    expect(linkedIssueOf(body)).toBe(issue);
  });

  it.each([['see #3'], ['#12'], ['prefixes #4'], [''], ['Closes owner/repo#5'], ['Closes #0']])(
    'finds no link without a closing keyword: %j',
    (body) => {
      expect(linkedIssueOf(body)).toBeNull();
    },
  );
});

describe('task branches', () => {
  it('names a task branch and reads it back', () => {
    fc.assert(
      fc.property(id, id, (sprint, task) => {
        expect(taskOfBranch(taskBranch(sprint, task))).toEqual({ sprint_id: sprint, task_id: task });
      }),
    );
  });

  it('reads no task from other branches', () => {
    expect(taskOfBranch('main')).toBeNull();
    expect(taskOfBranch('caloron/s1')).toBeNull();
    expect(taskOfBranch('caloron/s1/a/b')).toBeNull();
    expect(taskOfBranch('agent/dev-1/s1')).toBeNull();
  });
});
