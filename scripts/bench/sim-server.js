/**
 * A provider simulator in its own process for `npm run bench` (run with fork(), from the
 * production build): `bbb <delayMs> <secret>` or `zoom <delayMs>`. Answers the parent's
 * "stats" message with request counts.
 */
const [kind, delay, secret] = process.argv.slice(2);
const delayMs = Number(delay ?? 0);

if (kind === 'bbb') {
  const { startBigBlueButtonSimulator } = await import('../../dist/local/simulators/bigbluebutton.js');
  const running = await startBigBlueButtonSimulator({ secret, delayMs });
  const state = running.sim.state;
  process.on('message', (message) => {
    if (message === 'stats') {
      process.send({ total: state.requests.length, create: state.requestsOf('create').length });
    }
    if (message === 'reset') state.reset();
  });
  process.send({ url: running.url });
} else {
  throw new Error(`unknown simulator ${kind}`);
}
