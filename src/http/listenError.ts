/** Start-up's words for a failed `listen`: what happened and which setting to change. */

/** One line for an error of `server.listen`, naming PORT or HOST where changing it helps. */
export function describeListenError(error: unknown, host: string, port: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE') {
    return `${where} is already in use: stop the other process, or set PORT to a free port (e.g. PORT=${port === 8080 ? 8081 : 8080} npm start)`;
  }
  if (code === 'EACCES') {
    return `not allowed to listen on ${where}: ports below 1024 need privileges; set PORT to 1024 or above`;
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return `cannot listen on ${where}: HOST is not an address of this machine (e.g. HOST=127.0.0.1)`;
  }
  return `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}
