// The poll cursor (poll-cursor.ts): overlapping polls deliver every event exactly once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidate } from '../../../stages/github/forge-events.js';
import { OVERLAP_MS, advanceCursor } from '../../../stages/github/poll-cursor.js';

function comment(id: number, at: number): Candidate {
  const date = new Date(at);
  return {
    event: {
      id: `comment:${id}`,
      type: 'issue_comment',
      created_at: date.toISOString(),
      issue_number: 1,
      comment_id: id,
      body: '',
      actor: 'x',
    },
    at: date,
    openHead: false,
  };
}

const T0 = Date.parse('2026-11-22T10:00:00Z');

describe('advanceCursor', () => {
  it('delivers every event exactly once across polls, when the forge records an event up to the overlap late', () => {
    fc.assert(
      fc.property(
        // Each event: when it happened, and how late the forge made it visible (< overlap).
        fc.array(
          fc.record({
            at: fc.integer({ min: 0, max: 600_000 }),
            lag: fc.integer({ min: 0, max: OVERLAP_MS - 1 }),
          }),
          {
            maxLength: 40,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 12 }),
        (happenings, gaps) => {
          let since: Date | null = null;
          let seen: string[] = [];
          let clock = T0;
          const delivered: string[] = [];
          for (const gap of [...gaps, 10 * OVERLAP_MS + 600_000]) {
            clock += gap;
            // The forge lists what is visible now and dated at or after the cursor.
            const listed = happenings
              .map((h, i) => ({ ...h, i }))
              .filter((h) => T0 + h.at + h.lag <= clock && (since === null || T0 + h.at >= since.getTime()))
              .map((h) => comment(h.i + 1, T0 + h.at));
            const out = advanceCursor(listed, { since, seen, polledAt: new Date(clock) });
            delivered.push(...out.events.map((e) => e.id));
            since = new Date(out.since);
            seen = out.seen;
          }
          expect([...delivered].sort()).toEqual(happenings.map((_, i) => `comment:${i + 1}`).sort());
        },
      ),
    );
  });

  it('returns events in created_at order, ties broken by the forge number (not the id text)', () => {
    const out = advanceCursor([comment(10, T0 + 5), comment(9, T0 + 5), comment(1, T0 + 9)], {
      since: null,
      seen: [],
      polledAt: new Date(T0 + 10),
    });
    expect(out.events.map((e) => e.id)).toEqual(['comment:9', 'comment:10', 'comment:1']);
  });

  it('steps the cursor back by the overlap from the poll start, in Z-form UTC', () => {
    const out = advanceCursor([], { since: null, seen: [], polledAt: new Date(T0) });
    expect(out.since).toBe(new Date(T0 - OVERLAP_MS).toISOString());
    expect(out.since.endsWith('Z')).toBe(true);
  });

  it('keeps in seen only the ids dated inside the overlap', () => {
    const old = comment(1, T0 - OVERLAP_MS - 1);
    const recent = comment(2, T0 - OVERLAP_MS);
    const out = advanceCursor([old, recent], { since: null, seen: [], polledAt: new Date(T0) });
    expect(out.seen).toEqual(['comment:2']);
  });

  it("keeps an open pull request's head in seen whatever its date, and delivers it only while unseen", () => {
    const head: Candidate = {
      ...comment(0, T0 - 3_600_000),
      event: {
        id: 'pr_opened:7:abc',
        type: 'pr_opened',
        created_at: new Date(T0 - 3_600_000).toISOString(),
        pr_number: 7,
        linked_issue: 1,
        head_ref: 'caloron/s1/a',
        head_sha: 'abc',
      },
      openHead: true,
    };
    const first = advanceCursor([head], { since: new Date(T0 - 60_000), seen: [], polledAt: new Date(T0) });
    expect(first.events.map((e) => e.id)).toEqual(['pr_opened:7:abc']);
    expect(first.seen).toEqual(['pr_opened:7:abc']);
    const second = advanceCursor([head], {
      since: new Date(first.since),
      seen: first.seen,
      polledAt: new Date(T0 + 3_600_000),
    });
    expect(second.events).toEqual([]);
    expect(second.seen).toEqual(['pr_opened:7:abc']);
  });

  it('drops an event listed twice in one poll (a page shifted under the listing)', () => {
    const out = advanceCursor([comment(1, T0), comment(1, T0)], {
      since: null,
      seen: [],
      polledAt: new Date(T0),
    });
    expect(out.events).toHaveLength(1);
  });
});
