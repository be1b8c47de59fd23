// The base of every model command.
import type fc from 'fast-check';
import type { Model, Real } from './state.ts';

// --- commands ---------------------------------------------------------------------------------------

export abstract class Command implements fc.AsyncCommand<Model, Real> {
  /** Always true: a command that cannot apply does nothing, so every command runs (replay). */
  check(): boolean {
    return true;
  }
  async run(m: Model, r: Real): Promise<void> {
    if (r.failure !== null) return;
    r.step++;
    r.log.push(`#${r.step} ${this.toString()}`);
    try {
      await this.exec(m, r);
    } catch (e) {
      r.failure = e;
    }
  }
  protected abstract exec(m: Model, r: Real): Promise<void>;
  abstract toString(): string;
}
