/** Starts the built service (`dist/main.js`) as a real process, as `npm start` does. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A running service process. */
export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Spawns `node dist/main.js` in `cwd` and waits for its "listening" line (or its exit). */
export function startService(options: {
  cwd: string;
  env?: Record<string, string>;
  /** The entry point; the checkout's `dist/main.js` by default. */
  mainPath?: string;
}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [options.mainPath ?? `${ROOT}dist/main.js`], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', LOG_LEVEL: 'warn', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start: ${output}`)), 20_000);
    const onData = (): void => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve({
        child,
        url: match[1],
        output: () => output,
        async stop() {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`service exited with ${code}: ${output}`), { code, output }));
    });
  });
}
