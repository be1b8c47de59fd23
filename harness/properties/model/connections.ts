// Connections and the clock: opening, closing (announcements on it end), moving the server's clock.
import { clockMoveShown } from '../../scenario/steps-users.ts';
import { Command } from './command.ts';
import { note } from './judging.ts';
import { getRegister } from './registration.ts';
import { type Model, openSlot, type Real, session } from './state.ts';

export class OpenConnection extends Command {
  constructor(readonly slot: number) {
    super();
  }
  toString(): string {
    return `open(omikron#${this.slot})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = this.slot % m.conns.length;
    const c = m.conns[slot]!;
    if (c.open) return void r.log.push('  already open');
    r.sessions[slot] = await r.cfg.t.omikron(slot);
    c.open = true;
    c.serial = ++m.serials;
    c.users.clear();
    c.iotas.clear();
    c.doubtful.clear();
  }
}

export class CloseConnection extends Command {
  constructor(readonly pick: number) {
    super();
  }
  toString(): string {
    return `close(conn ${this.pick})`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const slot = openSlot(m, this.pick);
    if (slot === null) return void r.log.push('  no open connection');
    await session(r, slot).close();
    r.sessions[slot] = null;
    const c = m.conns[slot]!;
    c.open = false;
    m.closedSerials.add(c.serial);
    c.users.clear();
    c.iotas.clear();
    c.doubtful.clear();
    r.log.push(`  closed omikron#${slot}`);
    if (m.conns.every((x) => !x.open)) {
      // The last one: reconnect, so the run goes on (announcements on the old connection are gone).
      r.sessions[slot] = await r.cfg.t.omikron(slot);
      c.open = true;
      c.serial = ++m.serials;
      r.log.push(`  reconnected omikron#${slot}`);
    }
  }
}

export class AdvanceClock extends Command {
  constructor(readonly ms: number) {
    super();
  }
  toString(): string {
    return `advanceClock(${this.ms / 60_000} min)`;
  }
  protected async exec(m: Model, r: Real): Promise<void> {
    const clock = r.cfg.t.clock;
    const slot = openSlot(m, 0);
    if (clock === null || slot === null) return;
    // The confirmation the scripted timeout scenarios get (UM-TMO-005): register ids issued right
    // before and right after the move show whether the server's clock moved.
    const before = m.regs.at(-1) ?? (await getRegister(m, r, slot));
    const started = performance.now();
    await clock.advance(this.ms);
    m.offsetMs += this.ms;
    // libfaketime moves the server's monotonic clock too: its timers fire at the jump and it may
    // drop the connections it now thinks idle (its right). Go on on fresh connections, as a close.
    if (r.cfg.t.target.clock.kind === 'faketime') {
      for (const [i, c] of m.conns.entries()) {
        if (!c.open) continue;
        await session(r, i).close();
        m.closedSerials.add(c.serial);
        c.users.clear();
        c.iotas.clear();
        r.sessions[i] = await r.cfg.t.omikron(i);
        c.serial = ++m.serials;
      }
      r.log.push('  reconnected every open connection (the server may drop them at the jump)');
    }
    const after = await getRegister(m, r, slot);
    const move = clockMoveShown(before.id, after.id, this.ms, performance.now() - started + 1000);
    if (!move.shown && m.clock !== 'unshown') {
      m.clock = 'unshown';
      note(
        r,
        'UM-TMO-005',
        `model: the clock move does NOT show, so registration ages are not judged: ${move.reason}`,
      );
    } else if (move.shown && m.clock === 'unmoved') m.clock = 'shown';
    r.log.push(
      `  clock moved ${this.ms / 60_000} min: ${move.shown ? 'shown' : 'not shown'} (${move.reason})`,
    );
  }
}
