// Messages the seed page does not describe, or describes with a typo (SPEC.md EXT): recorded only.
import { freshPublicKey, identifyIota, newIota } from '../harness/scenario/fixtures.ts';
import { scenario } from '../harness/scenario/scenario.ts';

scenario(
  ['EXT-001'],
  'complete_register_iota with only public_key creates an Iota id (recorded)',
  async (t) => {
    const o = await t.omikron();
    const publicKey = freshPublicKey();
    const reply = await o.call('completeIotaWithoutId', { public_key: publicKey });
    const d = (reply.data ?? {}) as { iota_id?: unknown };
    if (t.isError(reply)) {
      t.info('EXT-001', `refused with ${reply.type}`, reply.frame);
      return;
    }
    const id = d.iota_id;
    const isId = typeof id === 'number' && Number.isSafeInteger(id);
    t.info(
      'EXT-001',
      `answered ${reply.type}${isId ? ` with data.iota_id ${id}` : ', without an integer data.iota_id'}`,
      reply.frame,
    );
    if (!isId) return;
    const read = await o.call('getIota', { iota_id: id });
    const key = (read.data as { public_key?: unknown } | undefined)?.public_key;
    t.info(
      'EXT-001',
      t.isError(read)
        ? `get_iota_data for the created Iota answered ${read.type}`
        : `get_iota_data for the created Iota returns ${key === publicKey ? 'the public key given' : `another key: ${JSON.stringify(key)}`}`,
    );
  },
  { dialects: ['tensamin'] },
);

scenario(
  ['EXT-002'],
  "get_iota_data returns a registered Iota's public key (recorded)",
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    const reply = await o.call('getIota', { iota_id: iota.iotaId });
    if (t.isError(reply)) {
      t.info('EXT-002', `get_iota_data answered ${reply.type}`, reply.frame);
      return;
    }
    const key = (reply.data as { public_key?: unknown } | undefined)?.public_key;
    t.info(
      'EXT-002',
      `get_iota_data answered ${reply.type} with ${key === iota.publicKey ? 'the public key registered' : `public_key ${JSON.stringify(key)}, not the one registered`}`,
      reply.frame,
    );
  },
  { dialects: ['tensamin'] },
);

scenario(
  ['EXT-003'],
  'the misspelled delet_profile deleting an Iota (recorded)',
  async (t) => {
    const o = await t.omikron();
    const iota = await newIota(o);
    await identifyIota(t, o, iota.iotaId);
    const reply = await o.connection.request(
      o.envelope('delet_profile', { iota_id: iota.iotaId }, { sender: iota.iotaId }),
    );
    t.info(
      'EXT-003',
      t.isError(reply)
        ? `delet_profile refused with ${reply.type} (the suite sends delete_profile)`
        : `delet_profile accepted: ${reply.type}`,
      reply.frame,
    );
  },
  { dialects: ['seed'] },
);
