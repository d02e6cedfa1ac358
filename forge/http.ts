// GitHub's HTTP conventions shared by every route: its error bodies (`{message,
// documentation_url}`, 422 with `errors[]`), and its pagination (`per_page` default 30,
// max 100, `page` from 1, a `Link` header with rel next/last/first/prev built on the
// request's own URL so a client follows it without knowing the forge).
import type { FastifyReply, FastifyRequest } from 'fastify';

const DOCS = 'https://docs.github.com/rest';

export class ForgeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Array<{ resource: string; field: string; code: string; message?: string }>,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      message: this.message,
      documentation_url: DOCS,
      ...(this.errors === undefined ? {} : { errors: this.errors }),
      status: String(this.status),
    };
  }
}

export const notFound = (): ForgeHttpError => new ForgeHttpError(404, 'Not Found');

export function invalid(resource: string, field: string, code: string, message?: string): ForgeHttpError {
  return new ForgeHttpError(422, 'Validation Failed', [
    { resource, field, code, ...(message === undefined ? {} : { message }) },
  ]);
}

/** A string field of a JSON body, or a 422 naming it. */
export function stringField(
  body: unknown,
  resource: string,
  field: string,
  required: boolean,
): string | undefined {
  const value = isObject(body) ? body[field] : undefined;
  if (value === undefined || value === null) {
    if (required) throw invalid(resource, field, 'missing_field');
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(resource, field, 'invalid', `${field} must be a string`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Query = Record<string, string | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return request.query as Query;
}

/** A positive integer path parameter (issue or pull number); anything else is not found. */
export function numberParam(value: string): number {
  if (!/^[1-9]\d{0,9}$/.test(value)) throw notFound();
  return Number(value);
}

/** `since`: an ISO 8601 timestamp; anything unparseable is a 422 as on GitHub. */
export function sinceOf(query: Query): number | undefined {
  if (query.since === undefined || query.since === '') return undefined;
  const time = Date.parse(query.since);
  if (Number.isNaN(time)) throw invalid('Search', 'since', 'invalid', 'since must be an ISO 8601 timestamp');
  return time;
}

/** One page of `items` with GitHub's Link header. */
export function paginate<T>(request: FastifyRequest, reply: FastifyReply, items: T[]): T[] {
  const query = queryOf(request);
  const perPage = Math.min(Math.max(positive(query.per_page) ?? 30, 1), 100);
  const page = positive(query.page) ?? 1;
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const target = new URL(request.url, `${request.protocol}://${request.host}`);
  const link = (n: number, rel: string): string => {
    target.searchParams.set('page', String(n));
    if (query.per_page !== undefined) target.searchParams.set('per_page', String(perPage));
    return `<${target.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  if (links.length > 0) void reply.header('link', links.join(', '));
  return items.slice((page - 1) * perPage, page * perPage);
}

function positive(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

/** GitHub's `sort`/`direction`: a stable sort on a timestamp field, ties broken by id. */
export function sortBy<T extends { id: number }>(
  items: T[],
  key: (item: T) => string | number,
  descending: boolean,
): T[] {
  const sign = descending ? -1 : 1;
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return (ka < kb ? -1 : 1) * sign;
    return (a.id - b.id) * sign;
  });
}
