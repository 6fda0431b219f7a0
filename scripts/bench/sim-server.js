/**
 * A provider simulator in its own process for `npm run bench` (run with fork(), from the
 * production build): `bbb <delayMs> <secret>`, `zoom <delayMs>`, `google_meet <delayMs> <secret>`
 * or `microsoft_teams <delayMs> <secret>`. Answers the parent's
 * "stats" message with request counts.
 */
const [kind, delay, secret] = process.argv.slice(2);
const delayMs = Number(delay ?? 0);

if (kind === 'bbb') {
  const { startBigBlueButtonSimulator } = await import('../../dist/providers/bigbluebutton/sim/bbbSimulator.js');
  const running = await startBigBlueButtonSimulator({ secret, delayMs });
  const state = running.sim.state;
  process.on('message', (message) => {
    if (message === 'stats') {
      process.send({ total: state.requests.length, create: state.requestsOf('create').length });
    }
    if (message === 'reset') state.reset();
  });
  process.send({ url: running.url });
} else if (kind === 'zoom') {
  const { startZoomSimulator } = await import('../../dist/providers/zoom/sim/zoomSimulator.js');
  const running = await startZoomSimulator({
    clientId: 'bench-client',
    clientSecret: secret,
    accountId: 'bench-account',
    delayMs,
    autoApprove: true,
    users: [{ id: 'bench-user', accountId: 'bench-account', email: 'user1@bench.example' }],
  });
  const state = running.sim.state;
  process.on('message', (message) => {
    if (message === 'stats') {
      const total = Object.values(state.requests).reduce((sum, count) => sum + count, 0);
      process.send({
        total,
        ...state.requests,
        ...Object.fromEntries(Object.entries(state.grants).map(([k, v]) => [`grant_${k}`, v])),
      });
    }
    if (message === 'reset') state.resetCounters();
  });
  process.send({ url: running.url });
} else if (kind === 'google_meet' || kind === 'microsoft_teams') {
  const { startGoogleMeetSimulator } = await import('../../dist/providers/googleMeet/simulator.js');
  const { startMicrosoftTeamsSimulator } = await import('../../dist/providers/microsoftTeams/simulator.js');
  const start = kind === 'google_meet' ? startGoogleMeetSimulator : startMicrosoftTeamsSimulator;
  const running = await start({ clientId: 'bench-client', clientSecret: secret, autoApprove: true });
  const { faults, oauth } = running.sim;
  faults.delayMs = delayMs;
  process.on('message', (message) => {
    if (message === 'stats') {
      const total = Object.values(faults.requests).reduce((sum, count) => sum + count, 0);
      process.send({
        total,
        ...faults.requests,
        ...Object.fromEntries(Object.entries(oauth.grants).map(([k, v]) => [`grant_${k}`, v])),
      });
    }
    if (message === 'reset') {
      faults.resetCounters();
      oauth.resetRecords();
    }
  });
  process.send({ url: running.url });
} else {
  throw new Error(`unknown simulator ${kind}`);
}
