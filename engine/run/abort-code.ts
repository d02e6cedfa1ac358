// Which error an aborted call reports. A signal aborted by a deadline
// (AbortSignal.timeout, whose reason is a TimeoutError) means the call ran out of time;
// any other reason (a failed sibling, the caller giving up) means it was cancelled.
import type { ErrorCode } from '../errors.js';

export function abortCode(signal: AbortSignal): Extract<ErrorCode, 'NOE_TIMEOUT' | 'NOE_CANCELLED'> {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name === 'TimeoutError' ? 'NOE_TIMEOUT' : 'NOE_CANCELLED';
}
