import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scriptKind, type TS } from '../core/index.js';
import { type AnalysisSettings, analyzeParsed, type JobOutcome, readSource, tsMorph, typescript } from './analyze-file.js';

/**
 * `--typed`: one type-checked program over the scanned files (with the options of `--project`
 * or the root's tsconfig.json/jsconfig.json, JavaScript allowed), analysed on this thread with
 * its checker. Every AST and the checker stay in memory until the last file is analysed: this
 * is the memory cost of `--typed`.
 */
export function analyzeTyped(files: readonly { path: string; file: string; source?: string }[], settings: AnalysisSettings, cwd: string, project: string | undefined): JobOutcome[] {
  const ts = typescript();
  // No content hashes: the cache is not used with --typed.
  const reads = files.map((f) => readSource(f.source ?? f.path, settings.limits));
  const texts = new Map<string, string>();
  reads.forEach((read, i) => {
    if ('text' in read) texts.set(files[i]!.path, read.text);
  });
  // ts-morph's Project brings TypeScript's lib declarations (kept in memory) and resolves
  // packages' declarations from node_modules; the scanned files are added as statecheck read
  // them (limits, encodings).
  const morph = new (tsMorph().Project)({ compilerOptions: compilerOptions(cwd, project) as never, skipAddingFilesFromTsConfig: true });
  for (const [path, text] of texts) morph.createSourceFile(path, text, { overwrite: true, scriptKind: scriptKind(ts, path) as never });
  const program = morph.getProgram().compilerObject as unknown as TS.Program;
  const checker = program.getTypeChecker();
  return files.map((f, i) => {
    const read = reads[i]!;
    if ('error' in read) return { result: { findings: [], errors: [{ file: f.file, message: read.error }] } };
    const sourceFile = program.getSourceFile(f.path);
    if (!sourceFile) return { result: { findings: [], errors: [{ file: f.file, message: 'not analysed: not part of the type-checked program' }] } };
    const { result } = analyzeParsed(f.file, settings, read.text, sourceFile, checker);
    if (read.notice) result.errors.unshift({ file: f.file, message: read.notice });
    return { result };
  });
}

/** Compiler options from `--project` or the root's config, JavaScript allowed, nothing emitted. */
function compilerOptions(cwd: string, project: string | undefined): TS.CompilerOptions {
  const ts = typescript();
  const config = project ?? ['tsconfig.json', 'jsconfig.json'].map((name) => join(cwd, name)).find((file) => existsSync(file));
  const defaults: TS.CompilerOptions = { allowJs: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.Latest, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler };
  if (!config) return defaults;
  const parsed = ts.getParsedCommandLineOfConfigFile(config, { allowJs: true, noEmit: true }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  return parsed ? { ...parsed.options, allowJs: true, noEmit: true, skipLibCheck: true } : defaults;
}
