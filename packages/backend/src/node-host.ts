/** What a child process left behind: its exit status (`null` when killed), stdout and stderr. */
export interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * What the WebGPU start needs from Node (the machine's files, environment and processes), injected so
 * that the universal entry imports no Node built-in and tests can simulate a machine with or without a
 * GPU loader.
 */
export interface NodeHost {
  /** `process.platform`: `linux`, `darwin`, `win32`, … */
  os: string;
  /** The process environment native libraries read (`LD_LIBRARY_PATH`, `XDG_RUNTIME_DIR`, …). */
  env: Record<string, string | undefined>;
  /** Whether a file or directory exists. */
  exists(path: string): boolean;
  /** A file's bytes, or `null` when it cannot be read. */
  readFile(path: string): Uint8Array | null;
  /**
   * Creates a new private (mode 0700) directory in the temporary folder and returns its path; it is
   * removed when the process exits.
   */
  makeTempDir(prefix: string): string;
  /** The file URL of a package as this package would import it, or `null` when it is not installed. */
  resolve(name: string): string | null;
  /** Runs an ES module's source in a child Node process with `args` and `env`, killed after `timeoutMs`. */
  runChild(
    source: string,
    args: string[],
    env: Record<string, string | undefined>,
    timeoutMs: number,
  ): Promise<ChildResult>;
}

/** The Node built-ins a {@link NodeHost} is made of. */
export interface NodeBuiltins {
  fs: {
    existsSync(path: string): boolean;
    readFileSync(path: string): Uint8Array;
    mkdtempSync(prefix: string): string;
    rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
  };
  os: { tmpdir(): string };
  module: { createRequire(from: string): { resolve(name: string): string } };
  url: { pathToFileURL(path: string): { href: string } };
  childProcess: {
    execFile(
      file: string,
      args: string[],
      options: { env: Record<string, string | undefined>; timeout: number; encoding: 'utf8' },
      callback: (error: { code?: unknown } | null, stdout: string, stderr: string) => void,
    ): unknown;
  };
}

/** A {@link NodeHost} on Node's built-ins and `process`; `from` is the URL packages resolve from. */
export function nodeHost(node: NodeBuiltins, from: string): NodeHost {
  return {
    os: process.platform,
    env: process.env,
    exists: (path) => node.fs.existsSync(path),
    readFile: (path) => {
      try {
        return node.fs.readFileSync(path);
      } catch {
        return null;
      }
    },
    makeTempDir: (prefix) => {
      // mkdtemp creates the directory with mode 0700.
      const dir = node.fs.mkdtempSync(`${node.os.tmpdir().replace(/[\\/]+$/, '')}/${prefix}`);
      process.once('exit', () => node.fs.rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    resolve: (name) => {
      try {
        return node.url.pathToFileURL(node.module.createRequire(from).resolve(name)).href;
      } catch {
        return null;
      }
    },
    runChild: (source, args, env, timeoutMs) =>
      new Promise((resolve) => {
        const argv = ['--input-type=module', '--eval', source, ...args];
        // Electron's binary is Node only when told so.
        const childEnv = process.versions.electron ? { ...env, ELECTRON_RUN_AS_NODE: '1' } : env;
        node.childProcess.execFile(
          process.execPath,
          argv,
          { env: childEnv, timeout: timeoutMs, encoding: 'utf8' },
          (error, stdout, stderr) => {
            const code = error?.code;
            resolve({ status: error === null ? 0 : typeof code === 'number' ? code : null, stdout, stderr });
          },
        );
      }),
  };
}

let builtin: NodeHost | null | undefined;

/**
 * The {@link NodeHost} of this process (one per process) where `process.getBuiltinModule` exists (Node ≥ 20.16 and ≥ 22.3:
 * no `import` a browser bundler would follow), else `null` (a browser, or an older Node, where the
 * Node entry `@pixsim/backend/node` passes its own).
 */
export function builtinNodeHost(): NodeHost | null {
  if (builtin !== undefined) return builtin;
  const proc = globalThis.process as
    | (NodeJS.Process & { getBuiltinModule?: (id: string) => unknown })
    | undefined;
  if (typeof proc?.versions?.node !== 'string' || typeof proc.getBuiltinModule !== 'function') {
    builtin = null;
    return builtin;
  }
  const get = proc.getBuiltinModule.bind(proc);
  const node = {
    fs: get('node:fs'),
    os: get('node:os'),
    module: get('node:module'),
    url: get('node:url'),
    childProcess: get('node:child_process'),
  } as NodeBuiltins;
  builtin = nodeHost(node, import.meta.url);
  return builtin;
}
