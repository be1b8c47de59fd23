// A stop reason in plain words, with what to try next: the one line a vendor reads first.
import type { StopReason } from './reason.ts';

export interface Words {
  readonly message: string;
  readonly hint?: string;
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function hostPort(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const IDENTITIES_HINT =
  'the server must trust the suite\'s Omikron identities: print them with "omega-conformance identities" (or pass --omikron-key FILE)';

export function wordsFor(r: StopReason): Words {
  switch (r.kind) {
    case 'bad-option':
      return { message: r.detail, hint: 'see omega-conformance --help' };
    case 'launch-failed':
      return { message: `the target could not be started: ${r.detail}` };
    case 'refused':
      return {
        message: `nothing accepts connections at ${hostPort(r.url)} (connection refused)`,
        hint: 'is the server running, and on this port?',
      };
    case 'unknown-host':
      return { message: `the host of ${r.url} does not resolve`, hint: 'check the host name in --url' };
    case 'tls-not-spoken':
      return {
        message: `the server does not speak TLS on ${hostPort(r.url)}`,
        hint: `try ${r.url.replace(/^wss:/, 'ws:')}`,
      };
    case 'tls-certificate':
      return {
        message: `the server's TLS certificate was not accepted (${r.code})`,
        hint: 'pass --ca FILE with the CA that signed it, or --insecure for a development server',
      };
    case 'reset':
      return {
        message: `the server at ${hostPort(r.url)} dropped the connection before answering the WebSocket upgrade (${r.code})`,
        ...(r.url.startsWith('ws:')
          ? { hint: `if the server serves TLS on this port, try ${r.url.replace(/^ws:/, 'wss:')}` }
          : {}),
      };
    case 'network':
      return { message: `cannot connect to ${r.url}${r.code ? ` (${r.code})` : ''}` };
    case 'http-status':
      return {
        message: `HTTP ${r.status} at ${pathOf(r.url)}: an HTTP server answered instead of a WebSocket upgrade`,
        hint:
          r.status === 404
            ? 'is the path right? --path (for --command and --image) or the path in --url'
            : "is this the Omega's WebSocket endpoint (path and port)?",
      };
    case 'no-upgrade-answer':
      return {
        message: `${hostPort(r.url)} accepted the TCP connection but never answered the WebSocket upgrade within ${r.timeoutMs} ms`,
        hint: "is this the Omega's port, and is the server stuck?",
      };
    case 'echo':
      return {
        message: `the server at ${r.url} sent the identification frame back unchanged: a WebSocket echo server, not an Omega`,
        hint: "is the URL that of the Omega's Omikron endpoint?",
      };
    case 'handshake-refused':
      return {
        message: `the server refused the suite's Omikron at ${r.step}: ${r.reply}`,
        hint: IDENTITIES_HINT,
      };
    case 'handshake-unexpected':
      return {
        message: `the handshake went wrong at ${r.step}: the server answered ${r.reply}`,
        hint: 'is this an Omega? The handshake is identification, challenge, challenge_response, identification_response',
      };
    case 'handshake-silent':
      return {
        message: `the WebSocket opened at ${r.url} but the server answered no identification within ${r.timeoutMs} ms`,
        hint: "is this an Omega's Omikron endpoint? (--timeout-ms sets the bound)",
      };
    case 'handshake-closed':
      return {
        message: `the server closed the connection during the handshake (code ${r.code}${r.reason ? `, "${r.reason}"` : ''})`,
        hint: IDENTITIES_HINT,
      };
    case 'dialect-unknown':
      return { message: r.detail, hint: 'pass --dialect seed or --dialect tensamin' };
    case 'stopped':
      return {
        message:
          r.by === 'signal'
            ? `the run was stopped by ${r.signal ?? 'a signal'}`
            : r.by === 'deadline'
              ? `the run reached its deadline${r.boundMs !== undefined ? ` of ${Math.round(r.boundMs / 1000)} s` : ''} and was stopped`
              : `the scenarios made no progress${r.boundMs !== undefined ? ` for ${Math.round(r.boundMs / 1000)} s` : ''}: the run was stopped`,
      };
    case 'internal':
      return {
        message: `internal error of the suite (not of the server): ${r.detail}`,
        hint: 'please report it with report.json attached',
      };
  }
}
