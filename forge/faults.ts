// Fault injection, so other parts can test how they survive a misbehaving forge. A rule
// matches requests by method and path and then delays them, answers them with an error
// status (optionally with Retry-After), or drops the connection without an answer; with
// `times` it applies to that many matching requests and then retires. Rules are checked
// in order and the first live match wins; the admin routes (/_forge/…) are never faulted.
//
// Path patterns: a string starting with `^` is a regular expression on the path (no query);
// otherwise a glob where `*` matches within one segment and `**` across segments, e.g.
// `/repos/*/*/issues`, `/repos/**`.
import { invalid, isObject } from './http.js';

export interface FaultRule {
  /** HTTP method to match (any when absent), case-insensitive. */
  method?: string;
  path: string;
  /** Answer with this status and a GitHub error body instead of serving the request. */
  status?: number;
  /** Wait this long first (then serve the request, or apply `status`/`drop`). */
  delay_ms?: number;
  /** Destroy the connection without an answer (the client sees a socket error). */
  drop?: true;
  /** Apply to this many matching requests, then retire (forever when absent). */
  times?: number;
  /** Seconds for a Retry-After header on a `status` answer. */
  retry_after?: number;
}

export type FaultAction = { delay_ms: number; status?: number; drop: boolean; retry_after?: number };

interface LiveRule {
  rule: FaultRule;
  matches: (method: string, path: string) => boolean;
  remaining: number;
}

export class FaultInjector {
  private rules: LiveRule[] = [];

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  /** Replaces every rule (an empty list turns faults off). */
  set(rules: unknown): void {
    this.rules = parseRules(rules).map(live);
  }

  add(rules: unknown): void {
    this.rules.push(...parseRules(rules).map(live));
  }

  /** The rules still live, with `times` counting down what is left. */
  list(): FaultRule[] {
    return this.rules.map(({ rule, remaining }) =>
      Number.isFinite(remaining) ? { ...rule, times: remaining } : rule,
    );
  }

  /** The fault for this request, consuming one use of its rule; undefined when none applies. */
  take(method: string, path: string): FaultAction | undefined {
    const index = this.rules.findIndex(
      (candidate) => candidate.remaining > 0 && candidate.matches(method, path),
    );
    const found = this.rules[index];
    if (found === undefined) return undefined;
    found.remaining -= 1;
    if (found.remaining <= 0) this.rules.splice(index, 1);
    const { rule } = found;
    return {
      delay_ms: rule.delay_ms ?? 0,
      drop: rule.drop === true,
      ...(rule.status === undefined ? {} : { status: rule.status }),
      ...(rule.retry_after === undefined ? {} : { retry_after: rule.retry_after }),
    };
  }
}

function live(rule: FaultRule): LiveRule {
  const pattern = pathPattern(rule.path);
  const method = rule.method?.toUpperCase();
  return {
    rule,
    matches: (m, path) => (method === undefined || method === m.toUpperCase()) && pattern.test(path),
    remaining: rule.times ?? Number.POSITIVE_INFINITY,
  };
}

function pathPattern(path: string): RegExp {
  if (path.startsWith('^')) return new RegExp(path);
  const source = path
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp(`^${source}$`);
}

function parseRules(value: unknown): FaultRule[] {
  if (!Array.isArray(value)) throw invalid('Fault', 'rules', 'invalid', 'faults must be an array of rules');
  return value.map((item, index) => {
    const field = (name: string): string => `rules[${index}].${name}`;
    if (!isObject(item) || typeof item.path !== 'string' || item.path === '') {
      throw invalid('Fault', field('path'), 'missing_field', 'each rule needs a path pattern');
    }
    const rule: FaultRule = { path: item.path };
    if (item.method !== undefined) {
      if (typeof item.method !== 'string') throw invalid('Fault', field('method'), 'invalid');
      rule.method = item.method;
    }
    for (const key of ['status', 'delay_ms', 'times', 'retry_after'] as const) {
      const n = item[key];
      if (n === undefined) continue;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
        throw invalid('Fault', field(key), 'invalid');
      rule[key] = n;
    }
    if (rule.status !== undefined && (rule.status < 100 || rule.status > 599))
      throw invalid('Fault', field('status'), 'invalid');
    if (item.drop !== undefined) {
      if (item.drop !== true) throw invalid('Fault', field('drop'), 'invalid', 'drop is true or absent');
      rule.drop = true;
    }
    if (rule.path.startsWith('^')) {
      try {
        new RegExp(rule.path);
      } catch {
        throw invalid('Fault', field('path'), 'invalid', 'not a valid regular expression');
      }
    }
    return rule;
  });
}
