// ws, required rather than imported: it is CommonJS, and an ESM import makes Node lex its five
// modules for named exports, about 25 ms of start-up in each thread that loads it.
import { createRequire } from 'node:module';
import type * as Ws from 'ws';

const ws = createRequire(import.meta.url)('ws') as typeof Ws;

export const WebSocket: typeof Ws.WebSocket = ws.WebSocket;
export type WebSocket = Ws.WebSocket;
export const WebSocketServer: typeof Ws.WebSocketServer = ws.WebSocketServer;
export type WebSocketServer = Ws.WebSocketServer;
export type RawData = Ws.RawData;
