// What the checker knows about `format`: which names ajv-formats checks on numbers (read
// as numeric constraints in numbers.ts), which it accepts unchecked, and a valid example
// of each string format, used to build witnesses. It never decides that one format
// implies another: only equal formats cover each other.

/** Formats ajv-formats registers as `true`: any string passes. */
export const UNCHECKED_FORMATS: ReadonlySet<string> = new Set(['password', 'binary']);

/** Formats ajv-formats applies to numbers; they say nothing about strings. */
export const NUMBER_FORMATS: ReadonlySet<string> = new Set(['int32', 'int64', 'float', 'double']);

const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  date: ['2024-01-15'],
  time: ['12:30:00Z'],
  'date-time': ['2024-01-15T12:30:00Z'],
  'iso-time': ['12:30:00'],
  'iso-date-time': ['2024-01-15T12:30:00'],
  duration: ['P1D'],
  uri: ['https://example.com/a'],
  'uri-reference': ['/a', 'https://example.com/a'],
  'uri-template': ['/a/{b}'],
  url: ['https://example.com/'],
  email: ['user@example.com'],
  hostname: ['example.com'],
  ipv4: ['192.0.2.1'],
  ipv6: ['2001:db8::1'],
  regex: ['^a$'],
  uuid: ['123e4567-e89b-12d3-a456-426614174000'],
  'json-pointer': ['/a'],
  'json-pointer-uri-fragment': ['#/a'],
  'relative-json-pointer': ['0/a'],
  byte: ['YWJj'],
};

/** Valid examples of a string format (none for formats the checker does not know). */
export function formatExamples(name: string): readonly string[] {
  return EXAMPLES[name] ?? [];
}

/** Strings that fail most formats: the first guesses when a format is what separates two schemas. */
export const FORMAT_MISSES: readonly string[] = ['', 'a', 'not valid', '0'];
