import type { ProgramFailure, ProgramFile } from './types.js';

/**
 * Failures of modules' parts of the program. A part runs guarded: when it throws, it gives its
 * fallback and the module gets a failure (the first one); its other parts, and every other
 * module, still run.
 */
export class Failures {
  private readonly failed = new Map<number, unknown>();
  /** Modules whose part of a fixed point was still changing when it hit its bound. */
  private readonly unsettled = new Set<number>();

  guard<T>(file: number, fallback: T, part: () => T): T {
    try {
      return part();
    } catch (error) {
      if (!this.failed.has(file)) this.failed.set(file, error);
      return fallback;
    }
  }

  unsettle(files: Iterable<number>): void {
    for (const file of files) this.unsettled.add(file);
  }

  /** The failures of the modules that are reported (context modules are read only to learn from). */
  list(files: readonly ProgramFile[]): ProgramFailure[] {
    const out: ProgramFailure[] = [];
    for (const [file, error] of this.failed) if (!files[file]!.context) out.push({ file, error });
    for (const file of this.unsettled) if (!files[file]!.context && !this.failed.has(file)) out.push({ file });
    return out;
  }
}
