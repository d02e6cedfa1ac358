// Which error an aborted call reports. A signal aborted by a deadline means the call ran
// out of time: AbortSignal.timeout (whose reason is a TimeoutError), or the executor's
// own deadline (whose reason is a NOE_TIMEOUT NoetherError). Any other reason (a failed
// sibling, the caller giving up) means it was cancelled.
import { isNoetherError, type ErrorCode } from '../errors.js';

export function abortCode(signal: AbortSignal): Extract<ErrorCode, 'NOE_TIMEOUT' | 'NOE_CANCELLED'> {
  const reason: unknown = signal.reason;
  const timedOut = isNoetherError(reason)
    ? reason.code === 'NOE_TIMEOUT'
    : reason instanceof Error && reason.name === 'TimeoutError';
  return timedOut ? 'NOE_TIMEOUT' : 'NOE_CANCELLED';
}
