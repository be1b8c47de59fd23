// Which requirements check each message: the AsyncAPI document's x-omega-requirements. Whole areas
// where an area is about one message, single ids where a requirement concerns one message of several.
import type { OperationName } from '../protocol/messages.ts';
import { type Area, REQUIREMENTS } from '../spec/requirements.ts';

interface CheckedBy {
  readonly areas?: readonly Area[];
  readonly ids?: readonly string[];
}

/** Per operation of the message table: its request and its replies. */
export const OPERATION_CHECKS: Readonly<Record<OperationName, CheckedBy>> = {
  getUser: { areas: ['UM-GET'], ids: ['ENC-001', 'ENC-002', 'ENC-003', 'ENC-004', 'ENC-006'] },
  changeUser: {
    ids: [
      'UM-CHG-001',
      'UM-CHG-002',
      'UM-CHG-003',
      'UM-CHG-004',
      'UM-CHG-005',
      'UM-CHG-006',
      'ENC-002',
      'ENC-003',
      'ENC-005',
    ],
  },
  changeIota: { areas: ['UM-IOTA'] },
  getRegister: { ids: ['UM-REG-001', 'UM-REG-002', 'UM-REG-003', 'UM-REG-011', 'ENC-004'] },
  completeUser: {
    ids: [
      'UM-REG-004',
      'UM-REG-005',
      'UM-REG-006',
      'UM-REG-008',
      'UM-REG-009',
      'UM-REG-010',
      'UM-REG-011',
      'UM-REG-012',
    ],
  },
  completeIota: { ids: ['UM-REG-007', 'UM-TMO-004'] },
  deleteUser: { ids: ['UM-DEL-001', 'UM-DEL-003'] },
  deleteIota: { ids: ['UM-DEL-002', 'UM-DEL-004', 'EXT-003'] },
  completeIotaWithoutId: { ids: ['EXT-001'] },
  getIota: { ids: ['EXT-002', 'UM-DEL-004'] },
};

/** The guarded operations' identification checks (IDN-<op>-00n, and IDN-007 for all four) and the timeout (completion within an hour). */
const PREFIXES: Partial<Record<OperationName, readonly string[]>> = {
  changeUser: ['IDN-CHG-', 'IDN-007'],
  changeIota: ['IDN-IOTA-', 'IDN-007'],
  deleteUser: ['IDN-DELU-', 'IDN-007'],
  deleteIota: ['IDN-DELI-', 'IDN-007'],
  completeUser: ['UM-TMO-001', 'UM-TMO-002', 'UM-TMO-003', 'UM-TMO-005'],
};

/** Session messages (the handshake and the heartbeat), by wire type. */
export const SESSION_CHECKS: Readonly<Record<string, readonly string[]>> = {
  identification: ['SES-001', 'SES-004', 'SES-005', 'SES-008'],
  challenge: ['SES-001'],
  challenge_response: ['SES-002', 'SES-003'],
  identification_response: ['SES-002', 'SES-003'],
  ping: ['SES-006', 'SES-007'],
  pong: ['SES-006', 'SES-007'],
};

/** Announcements: the IDN checks rest on them too (an identified principal is an announced one). */
export const ANNOUNCEMENT_CHECKS: Readonly<Record<string, readonly string[]>> = {
  user_connected: ['ANN-001', 'IDN-CHG-006', 'IDN-DELU-006'],
  user_disconnected: ['ANN-001', 'IDN-CHG-002', 'IDN-DELU-002'],
  iota_connected: ['ANN-001', 'ANN-002', 'IDN-IOTA-006', 'IDN-DELI-006'],
  iota_disconnected: ['ANN-001', 'IDN-IOTA-002', 'IDN-DELI-002'],
};

/** Every message on the channel: the envelope, id echoing and bad input. */
export const CHANNEL_AREAS: readonly Area[] = ['ENV', 'BAD'];

const byArea = (areas: readonly Area[]) =>
  REQUIREMENTS.filter((r) => areas.includes(r.area)).map((r) => r.id);

export function operationRequirements(op: OperationName): string[] {
  const c = OPERATION_CHECKS[op];
  const prefixed = (PREFIXES[op] ?? []).flatMap((p) =>
    REQUIREMENTS.filter((r) => r.id.startsWith(p)).map((r) => r.id),
  );
  return [...new Set([...byArea(c.areas ?? []), ...(c.ids ?? []), ...prefixed])];
}

export function channelRequirements(): string[] {
  return byArea(CHANNEL_AREAS);
}
