import type { ModuleSummary } from '../../core/index.js';
import type { ProgramFile } from '../../core/program/types.js';

/** A program file `/p/<name>.js` with a hand-written summary (empty but for what is given). */
export function module(name: string, summary: Partial<ModuleSummary>, extra: Partial<ProgramFile> = {}): ProgramFile {
  return {
    path: `/p/${name}.js`,
    context: false,
    findings: [],
    summary: {
      exports: [],
      starExports: [],
      frameworkModule: false,
      commonJs: false,
      state: [],
      classes: [],
      uses: [],
      ...summary,
    },
    ...extra,
  };
}
