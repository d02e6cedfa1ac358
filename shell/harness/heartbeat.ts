// The harness's side of the heartbeat contract (CALORON §6): POST <shell_url>/heartbeat with
// x-caloron-token at start, every interval, and once more at the end with done or failed.
// A beat that fails is logged and forgotten: the shell judges liveness from the beats that
// do arrive (and from the process), so a flaky shell must never kill the agent's work.

export type BeatStatus = 'running' | 'done' | 'failed';

export interface Heartbeats {
  /** Stops the interval and sends the final beat (awaited, bounded by the request timeout). */
  final(status: 'done' | 'failed', detail: string): Promise<void>;
}

export interface HeartbeatOptions {
  shellUrl: string;
  /** CALORON_SHELL_TOKEN; absent → no header (a shell started insecure). */
  token: string | undefined;
  ids: { sprint_id: string; agent_id: string; task_id: string };
  intervalMs: number;
  log: (line: string) => void;
  requestTimeoutMs?: number;
}

// The shell stores detail in the agents file; a runaway framework message must not bloat it.
const MAX_DETAIL = 2000;

type BeatTarget = Pick<HeartbeatOptions, 'shellUrl' | 'token' | 'ids' | 'log' | 'requestTimeoutMs'>;

/** One beat; a failure is logged, never thrown. */
export async function postBeat(options: BeatTarget, status: BeatStatus, detail?: string): Promise<void> {
  const url = `${options.shellUrl.replace(/\/+$/, '')}/heartbeat`;
  const body = {
    ...options.ids,
    status,
    ...(detail === undefined ? {} : { detail: detail.slice(0, MAX_DETAIL) }),
  };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.token === undefined || options.token === '' ? {} : { 'x-caloron-token': options.token }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10000),
    });
    if (!response.ok) options.log(`heartbeat ${status}: the shell answered ${response.status}`);
    await response.body?.cancel();
  } catch (error) {
    options.log(`heartbeat ${status}: ${(error as Error).message}`);
  }
}

export function startHeartbeats(options: HeartbeatOptions): Heartbeats {
  const beat = (status: BeatStatus, detail?: string): Promise<void> => postBeat(options, status, detail);
  // One beat at a time, so the shell receives them in order and the final beat is the last
  // it gets; an interval beat due while one is still in flight (a slow shell) is skipped.
  let last: Promise<void> = beat('running');
  let inFlight = true;
  const settle = (): void => {
    inFlight = false;
  };
  void last.then(settle);
  const timer = setInterval(() => {
    if (inFlight) return;
    inFlight = true;
    last = beat('running');
    void last.then(settle);
  }, options.intervalMs);
  return {
    async final(status, detail) {
      clearInterval(timer);
      await last;
      await beat(status, detail);
    },
  };
}
