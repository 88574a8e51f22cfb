import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSystemHost } from 'ts-morph';
import { scriptKind, type TS } from '../core/index.js';
import { analyzeParsed, notAnalysed } from './analyze-file.js';
import { readRegularFile } from './files.js';
import { decodeSource, readSource } from './source.js';
import type { AnalysisSettings, JobOutcome } from './types.js';
import { tsMorph, typescript } from './typescript.js';

/**
 * `--typed`: one type-checked program over the scanned files (with the options of `--project`
 * or the root's tsconfig.json/jsconfig.json, JavaScript allowed), analysed on this thread with
 * its checker. Every AST and the checker stay in memory until the last file is analysed: this
 * is the memory cost of `--typed`.
 */
export function analyzeTyped(
  files: readonly { path: string; file: string; source?: string; packagePath?: string }[],
  settings: AnalysisSettings,
  cwd: string,
  project: string | undefined,
): JobOutcome[] {
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
  const { Project } = tsMorph();
  const fileSystem = guardedFileSystem(new Project({ skipAddingFilesFromTsConfig: true }).getFileSystem());
  const morph = new Project({
    compilerOptions: compilerOptions(cwd, project),
    skipAddingFilesFromTsConfig: true,
    fileSystem,
  });
  for (const [path, text] of texts)
    morph.createSourceFile(path, text, { overwrite: true, scriptKind: scriptKind(ts, path) as never });
  // ts-morph declares its own copy of TypeScript's types: the cast ties its enums to the host's.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- see above
  const program = morph.getProgram().compilerObject as unknown as TS.Program;
  const checker = program.getTypeChecker();
  return files.map((f, i) => {
    const read = reads[i]!;
    if (!('text' in read)) return { result: notAnalysed(f.file, read) };
    const sourceFile = program.getSourceFile(f.path);
    if (!sourceFile)
      return {
        result: {
          findings: [],
          errors: [{ file: f.file, message: 'not analysed: not part of the type-checked program' }],
        },
      };
    const scope = f.packagePath !== undefined ? { packagePath: f.packagePath } : {};
    const { result } = analyzeParsed(f.file, settings, read.text, sourceFile, scope, checker);
    if (read.notice) result.errors.unshift({ file: f.file, message: read.notice });
    return { result };
  });
}

/** Compiler options from `--project` or the root's config, JavaScript allowed, nothing emitted. */
function compilerOptions(cwd: string, project: string | undefined): TS.CompilerOptions {
  const ts = typescript();
  const config =
    project ?? ['tsconfig.json', 'jsconfig.json'].map((name) => join(cwd, name)).find((file) => existsSync(file));
  const defaults: TS.CompilerOptions = {
    allowJs: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.Latest,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  if (!config) return defaults;
  // Options only: the config's own file list is not expanded (statecheck chose the files).
  const host: TS.ParseConfigFileHost = {
    ...ts.sys,
    readFile: readForTypeScript,
    readDirectory: () => [],
    onUnRecoverableConfigFileDiagnostic: () => undefined,
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(config, { allowJs: true, noEmit: true }, host);
  return parsed ? { ...parsed.options, allowJs: true, noEmit: true, skipLibCheck: true } : defaults;
}

/** Declarations and configs TypeScript reads for `--typed`: larger ones are not read. */
const MAX_TYPESCRIPT_FILE = 64 * 1024 * 1024;

/**
 * A file TypeScript asks for (a tsconfig and what it extends, a `/// <reference>` target, a
 * package's declarations), through the guard statecheck reads its own files with: a pipe or a
 * device (`/dev/zero`) is not read, nor a file over 64 MiB. Undefined: TypeScript treats the
 * file as missing. Decoded as sources are (byte order marks, UTF-16).
 */
function readForTypeScript(path: string): string | undefined {
  const read = readRegularFile(path, MAX_TYPESCRIPT_FILE);
  if (!('bytes' in read)) return undefined;
  const decoded = decodeSource(read.bytes);
  return 'text' in decoded ? decoded.text : undefined;
}

/** ts-morph's file system with every read through readForTypeScript, and no writes. */
function guardedFileSystem(real: FileSystemHost): FileSystemHost {
  // ts-morph exports its error classes at run time, not in its types: a refused file is one not found.
  const { FileNotFoundError } = tsMorph() as unknown as { FileNotFoundError: new (path: string) => Error };
  const read = (path: string): string => {
    const text = readForTypeScript(path);
    if (text === undefined) throw new FileNotFoundError(path);
    return text;
  };
  const refuse = (): never => {
    throw new Error('statecheck --typed never writes files');
  };
  const refuseLater = () => Promise.reject(new Error('statecheck --typed never writes files'));
  return {
    isCaseSensitive: () => real.isCaseSensitive(),
    delete: refuseLater,
    deleteSync: refuse,
    readDirSync: (dir) => real.readDirSync(dir),
    readFile: (path) => Promise.resolve().then(() => read(path)),
    readFileSync: (path) => read(path),
    writeFile: refuseLater,
    writeFileSync: refuse,
    mkdir: refuseLater,
    mkdirSync: refuse,
    move: refuseLater,
    moveSync: refuse,
    copy: refuseLater,
    copySync: refuse,
    fileExists: (path) => real.fileExists(path),
    fileExistsSync: (path) => real.fileExistsSync(path),
    directoryExists: (dir) => real.directoryExists(dir),
    directoryExistsSync: (dir) => real.directoryExistsSync(dir),
    realpathSync: (path) => real.realpathSync(path),
    getCurrentDirectory: () => real.getCurrentDirectory(),
    glob: () => Promise.resolve([]),
    globSync: () => [],
  };
}
