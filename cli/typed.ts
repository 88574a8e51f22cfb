import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { scriptKind, type TS } from '../core/index.js';
import { type AnalysisSettings, analyzeParsed, contentHash, type JobOutcome, readSource, tsMorph, typescript } from './analyze-file.js';

/**
 * `--typed`: one type-checked program over the scanned files (with the options of `--project`
 * or the root's tsconfig.json/jsconfig.json, JavaScript allowed), analysed on this thread with
 * its checker. Every AST and the checker stay in memory until the last file is analysed: this
 * is the memory cost of `--typed`.
 */
export function analyzeTyped(files: readonly { path: string; file: string }[], settings: AnalysisSettings, cwd: string, project: string | undefined): JobOutcome[] {
  const ts = typescript();
  const texts = new Map<string, string>();
  const outcomes: JobOutcome[] = files.map((f) => {
    const read = readSource(f.path, settings.limits);
    if ('error' in read) return { result: { findings: [], errors: [{ file: f.file, message: read.error }] } };
    texts.set(f.path, read.text);
    return { hash: contentHash(read.text), ...(read.notice ? { result: { findings: [], errors: [{ file: f.file, message: read.notice }] } } : {}) };
  });
  // ts-morph's Project brings TypeScript's lib declarations (kept in memory) and resolves
  // packages' declarations from node_modules; the scanned files are added as statecheck read
  // them (limits, encodings).
  const morph = new (tsMorph().Project)({ compilerOptions: compilerOptions(cwd, project) as never, skipAddingFilesFromTsConfig: true });
  for (const [path, text] of texts) morph.createSourceFile(path, text, { overwrite: true, scriptKind: scriptKind(ts, path) as never });
  const program = morph.getProgram().compilerObject as unknown as TS.Program;
  const checker = program.getTypeChecker();
  return files.map((f, i) => {
    const outcome = outcomes[i]!;
    const text = texts.get(f.path);
    const sourceFile = text === undefined ? undefined : program.getSourceFile(f.path);
    if (text === undefined || !sourceFile) return outcome;
    const { result } = analyzeParsed(f.file, settings, text, sourceFile, checker);
    if (outcome.result) result.errors.unshift(...outcome.result.errors);
    return { hash: outcome.hash!, result };
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
