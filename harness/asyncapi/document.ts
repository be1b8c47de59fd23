// An AsyncAPI 3.0 document of the protocol in one dialect, generated from the message table
// (messages.ts) and its zod schemas: the Omega as the application, an Omikron as its client.
import { z } from 'zod';
import type { Dialect } from '../protocol/dialect.ts';
import {
  ANNOUNCEMENTS,
  OPERATION_NAMES,
  type OperationName,
  operationSpec,
  operationsOf,
  SESSION,
} from '../protocol/messages.ts';
import { replyDataSchema, requestDataSchema } from '../protocol/schemas.ts';
import { SUITE_VERSION } from '../run/version.ts';
import {
  ANNOUNCEMENT_CHECKS,
  channelRequirements,
  operationRequirements,
  SESSION_CHECKS,
} from './checked-by.ts';

type Json = Record<string, unknown>;

const CHANNEL = 'omikron';
const ref = (path: string) => ({ $ref: `#/${path}` });
const messageRef = (key: string) => ref(`channels/${CHANNEL}/messages/${key}`);

/** JSON Schema (draft-07, which AsyncAPI schemas extend) of a zod schema. */
function jsonSchema(schema: z.ZodType): Json {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any' });
  return rest as Json;
}

const integer = z.number().int();

/** The envelope around `data`: type, id (a reply carries its request's), sender and receiver. */
function envelope(type: string, data: z.ZodType | undefined, direction: 'request' | 'reply'): z.ZodType {
  return z.looseObject({
    type: z.literal(type),
    id: direction === 'request' ? z.string() : z.string().optional(),
    ...(direction === 'request' ? { sender: integer.optional(), receiver: integer.optional() } : {}),
    ...(data ? { data } : {}),
  });
}

interface MessageEntry {
  readonly key: string;
  readonly message: Json;
}

function message(
  key: string,
  type: string,
  schema: z.ZodType,
  summary: string,
  requirements: readonly string[],
  extra: Json = {},
): MessageEntry {
  return {
    key,
    message: {
      name: type,
      title: type,
      summary,
      contentType: 'application/json',
      payload: jsonSchema(schema),
      'x-omega-requirements': [...requirements],
      ...extra,
    },
  };
}

/** Error replies: any type starting with "error", with the request's id. */
const ERROR_KEY = 'error';
function errorMessage(): MessageEntry {
  const schema = z.looseObject({
    type: z.string().regex(/^error/),
    id: z.string().optional(),
    data: z.looseObject({ error_type: z.string().optional() }).optional(),
  });
  return message(
    ERROR_KEY,
    'error',
    schema,
    'An error reply: its type starts with "error" (error, error_not_found, error_invalid_data, ...).',
    ['ENV-002', 'ENV-008'],
  );
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The messages and the operation of one row of the message table. */
function operationParts(op: OperationName, dialect: Dialect): { messages: MessageEntry[]; operation: Json } {
  const spec = operationSpec(op);
  const type = spec.request[dialect]!;
  const reqs = operationRequirements(op);
  const request = message(
    `${op}Request`,
    type,
    envelope(type, requestDataSchema(op, dialect), 'request'),
    `${op}: the request (${type})`,
    reqs,
    { 'x-omega-operation': op, ...(spec.guard ? { 'x-omega-guard': spec.guard } : {}) },
  );
  const replies = spec.reply[dialect].map((replyType) =>
    message(
      `${op}Reply${camel(`_${replyType}`)}`,
      replyType,
      envelope(replyType, replyDataSchema(op, dialect), 'reply'),
      `${op}: the reply (${replyType})`,
      reqs,
      { 'x-omega-operation': op },
    ),
  );
  const operation: Json = {
    action: 'receive',
    channel: ref(`channels/${CHANNEL}`),
    title: op,
    summary: `The Omega receives ${type} and answers ${spec.reply[dialect].join(' or ')}, or an error reply.`,
    messages: [messageRef(request.key)],
    reply: {
      channel: ref(`channels/${CHANNEL}`),
      messages: [...replies.map((r) => messageRef(r.key)), messageRef(ERROR_KEY)],
    },
    'x-omega-requirements': reqs,
    ...(spec.extension ? { 'x-omega-extension': true } : {}),
    ...(spec.guard ? { 'x-omega-guard': spec.guard } : {}),
  };
  return { messages: [request, ...replies], operation };
}

/** The handshake and the heartbeat: the same in both dialects. */
function sessionParts(): { messages: MessageEntry[]; operations: Record<string, Json> } {
  const s = (type: string, data: z.ZodType | undefined, dir: 'request' | 'reply', summary: string) =>
    message(camel(type), type, envelope(type, data, dir), summary, SESSION_CHECKS[type] ?? []);
  const messages = [
    s(
      SESSION.identification,
      z.looseObject({ omikron: integer }),
      'request',
      'Handshake step 1: the Omikron names itself.',
    ),
    s(
      SESSION.challenge,
      z.looseObject({ public_key: z.string(), challenge: z.string() }),
      'reply',
      "Handshake step 2: the Omega's X448 public key and the challenge, encrypted for the Omikron's key.",
    ),
    s(
      SESSION.challengeResponse,
      z.looseObject({ challenge: z.string() }),
      'request',
      "Handshake step 3: the decrypted challenge, under the challenge's id.",
    ),
    s(
      SESSION.identificationResponse,
      z.looseObject({ accepted: z.literal(true) }),
      'reply',
      'Handshake step 4: the Omikron is identified.',
    ),
    s(
      SESSION.ping,
      z.looseObject({ last_ping: integer }).optional(),
      'request',
      'Heartbeat, before or after the handshake.',
    ),
    s(SESSION.pong, undefined, 'reply', "The heartbeat's answer, with the ping's id."),
  ];
  const channel = ref(`channels/${CHANNEL}`);
  const step = (n: number, request: string, replies: string[], summary: string): Json => ({
    action: 'receive',
    channel,
    title: `Handshake step ${n}`,
    summary,
    messages: [messageRef(camel(request))],
    reply: { channel, messages: [...replies.map((r) => messageRef(camel(r))), messageRef(ERROR_KEY)] },
    'x-omega-handshake-step': n,
    'x-omega-requirements': [
      ...new Set([...(SESSION_CHECKS[request] ?? []), ...replies.flatMap((r) => SESSION_CHECKS[r] ?? [])]),
    ],
  });
  return {
    messages,
    operations: {
      identify: step(1, SESSION.identification, [SESSION.challenge], 'identification → challenge'),
      answerChallenge: step(
        2,
        SESSION.challengeResponse,
        [SESSION.identificationResponse],
        'challenge_response → identification_response',
      ),
      heartbeat: {
        action: 'receive',
        channel,
        title: 'Heartbeat',
        summary: 'ping → pong, served before and after the handshake.',
        messages: [messageRef('ping')],
        reply: { channel, messages: [messageRef('pong')] },
        'x-omega-requirements': [...(SESSION_CHECKS.ping ?? [])],
      },
    },
  };
}

/** The tensamin dialect answers iota_connected with the Iota's users (ANN-002); the seed has no such reply. */
function iotaUserData(): MessageEntry {
  return message(
    'iotaUserData',
    'iota_user_data',
    envelope('iota_user_data', z.looseObject({ user_ids: z.array(integer.nonnegative()) }), 'reply'),
    'The reply to iota_connected in the tensamin dialect: the users living on the Iota.',
    ['ANN-001', 'ANN-002'],
  );
}

function announcementParts(dialect: Dialect): { messages: MessageEntry[]; operations: Record<string, Json> } {
  const messages: MessageEntry[] = dialect === 'tensamin' ? [iotaUserData()] : [];
  const operations: Record<string, Json> = {};
  for (const [name, type] of Object.entries(ANNOUNCEMENTS)) {
    const field = name.startsWith('user') ? 'user_id' : 'iota_id';
    const entry = message(
      name,
      type,
      envelope(type, z.looseObject({ [field]: integer.nonnegative() }), 'request'),
      `Announcement: the Omikron tells the Omega who is ${name.endsWith('Connected') ? 'identified' : 'no longer identified'} on this connection. No reply, or one non-error reply with its id.`,
      ANNOUNCEMENT_CHECKS[type] ?? [],
    );
    messages.push(entry);
    operations[name] = {
      action: 'receive',
      channel: ref(`channels/${CHANNEL}`),
      title: type,
      messages: [messageRef(name)],
      ...(dialect === 'tensamin' && type === ANNOUNCEMENTS.iotaConnected
        ? { reply: { channel: ref(`channels/${CHANNEL}`), messages: [messageRef('iotaUserData')] } }
        : {}),
      'x-omega-requirements': ANNOUNCEMENT_CHECKS[type] ?? [],
    };
  }
  return { messages, operations };
}

export interface AsyncApiOptions {
  readonly dialect: Dialect;
  /** Where the Omega's WebSocket endpoint is, for the servers entry. */
  readonly host?: string;
  readonly path?: string;
}

/** The AsyncAPI 3.0 document of the protocol in one dialect. */
export function asyncApiDocument(o: AsyncApiOptions): Json {
  const session = sessionParts();
  const announcements = announcementParts(o.dialect);
  const ops = operationsOf(o.dialect).map((op) => [op, operationParts(op, o.dialect)] as const);
  const all = [
    ...session.messages,
    ...announcements.messages,
    ...ops.flatMap(([, p]) => p.messages),
    errorMessage(),
  ];
  const messages: Record<string, Json> = {};
  for (const m of all) {
    if (messages[m.key]) throw new Error(`two messages named ${m.key} in the AsyncAPI document`);
    messages[m.key] = m.message;
  }
  const path = o.path ?? '/ws/omikron';
  return {
    asyncapi: '3.0.0',
    id: `urn:omega-conformance:omega-user-management:${o.dialect}`,
    info: {
      title: `Omega user management (${o.dialect} dialect)`,
      version: SUITE_VERSION,
      description: [
        'The Omega side of the Omega user-management protocol: Omikrons connect over WebSocket,',
        'identify with an X448 challenge, announce principals and forward the user-management messages.',
        `Generated by omega-conformance ${SUITE_VERSION} from its message table. Each message and operation`,
        'lists in x-omega-requirements the requirement ids (SPEC.md) that check it; the channel lists those',
        'that apply to every message. The handshake is the operations with x-omega-handshake-step, in order.',
      ].join(' '),
      'x-omega-dialect': o.dialect,
    },
    defaultContentType: 'application/json',
    servers: {
      omega: {
        host: o.host ?? 'localhost:9187',
        protocol: 'wss',
        description: 'The Omega under test (wss in production; ws for local development servers).',
      },
    },
    channels: {
      [CHANNEL]: {
        address: path,
        title: 'Omikron connection',
        description:
          'One WebSocket per Omikron; one JSON object per text frame. A reply carries the id of its request; replies may come in any order.',
        servers: [ref('servers/omega')],
        messages,
        'x-omega-requirements': channelRequirements(),
      },
    },
    operations: {
      ...session.operations,
      ...announcements.operations,
      ...Object.fromEntries(ops.map(([op, p]) => [op, p.operation])),
    },
    'x-omega-handshake': ['identify', 'answerChallenge'],
  };
}

/** Every wire type of the message table in a dialect: what the document must contain. */
export function wireTypesOf(dialect: Dialect): string[] {
  const types = new Set<string>([...Object.values(SESSION), ...Object.values(ANNOUNCEMENTS)]);
  for (const op of OPERATION_NAMES) {
    const spec = operationSpec(op);
    const request = spec.request[dialect];
    if (request === null) continue;
    types.add(request);
    for (const r of spec.reply[dialect]) types.add(r);
  }
  return [...types];
}
