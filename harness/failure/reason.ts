// Why a run could not start or was stopped (exit 2), as data: a kind and its fields. The plain words
// are rendered from these (words.ts); nothing reads them back out of a message.
import { z } from 'zod';

const step = z.enum(['identification', 'challenge', 'challenge_response']);

export const stopReasonSchema = z.discriminatedUnion('kind', [
  /** An option or argument the suite cannot use. */
  z.object({ kind: z.literal('bad-option'), detail: z.string() }),
  /** The suite could not start the target (--command, --image, the embedded reference) or --url is no ws(s) URL. */
  z.object({ kind: z.literal('launch-failed'), detail: z.string() }),
  /** Nothing listens on that port. */
  z.object({ kind: z.literal('refused'), url: z.string() }),
  /** The host name does not resolve. */
  z.object({ kind: z.literal('unknown-host'), url: z.string() }),
  /** wss:// to a port that does not speak TLS (OpenSSL's "wrong version number"). */
  z.object({ kind: z.literal('tls-not-spoken'), url: z.string(), code: z.string() }),
  /** The TLS certificate was not accepted. */
  z.object({ kind: z.literal('tls-certificate'), url: z.string(), code: z.string() }),
  /** The connection was dropped before the WebSocket upgrade was answered. */
  z.object({ kind: z.literal('reset'), url: z.string(), code: z.string() }),
  /** Any other network error, with its code when Node gave one. */
  z.object({ kind: z.literal('network'), url: z.string(), code: z.string().optional() }),
  /** An HTTP server that answered the upgrade request with a status instead of 101. */
  z.object({ kind: z.literal('http-status'), url: z.string(), status: z.number() }),
  /** Something accepted the TCP connection but never answered the upgrade request. */
  z.object({ kind: z.literal('no-upgrade-answer'), url: z.string(), timeoutMs: z.number() }),
  /** The server sent our identification frame back: a WebSocket echo server, not an Omega. */
  z.object({ kind: z.literal('echo'), url: z.string() }),
  /** The Omega refused the suite's Omikron (an error reply during the handshake). */
  z.object({ kind: z.literal('handshake-refused'), url: z.string(), step, reply: z.string() }),
  /** A reply the handshake does not allow (not a challenge, not an accepted identification_response). */
  z.object({ kind: z.literal('handshake-unexpected'), url: z.string(), step, reply: z.string() }),
  /** The WebSocket opened but the handshake got no reply in time. */
  z.object({ kind: z.literal('handshake-silent'), url: z.string(), timeoutMs: z.number() }),
  /** The server closed the connection during the handshake. */
  z.object({ kind: z.literal('handshake-closed'), url: z.string(), code: z.number(), reason: z.string() }),
  /** Authenticated, but the dialect probe could not tell seed from tensamin. */
  z.object({ kind: z.literal('dialect-unknown'), detail: z.string() }),
  /** The run was stopped: a signal (Ctrl-C, CI cancel), the run deadline, or no progress for too long. */
  z.object({
    kind: z.literal('stopped'),
    by: z.enum(['signal', 'deadline', 'stall']),
    signal: z.string().optional(),
    boundMs: z.number().optional(),
  }),
  /** The suite's own fault: never the server's. */
  z.object({ kind: z.literal('internal'), detail: z.string() }),
]);

export type StopReason = z.infer<typeof stopReasonSchema>;
export type StopReasonKind = StopReason['kind'];

/** How far the run got before it ended: each stage includes the ones before it. */
export const REACHED = ['nothing', 'target-ready', 'websocket-open', 'authenticated', 'scenarios'] as const;
export type Reached = (typeof REACHED)[number];

/** report.json's `error`: the reason as data, the same in plain words, the raw error, and how far the run got. */
export const runErrorSchema = z.object({
  reason: stopReasonSchema,
  /** The reason in plain words (rendered from `reason`). */
  message: z.string(),
  /** What to try next, when there is an obvious thing. */
  hint: z.string().optional(),
  /** The error as the library reported it (e.g. OpenSSL's text). */
  raw: z.string().optional(),
  reached: z.enum(REACHED),
});

export type RunError = z.infer<typeof runErrorSchema>;

/** Thrown to end a run early with a reason that is already data. */
export class RunStoppedError extends Error {
  override name = 'RunStoppedError';
  constructor(
    readonly reason: StopReason,
    message: string,
  ) {
    super(message);
  }
}
