/**
 * A provider simulator in its own process for `npm run bench` (run with fork(), from the
 * production build): `bbb <delayMs> <secret>`, `zoom <delayMs>`, `webex <delayMs> <secret>`, `google_meet <delayMs> <secret>`,
 * `microsoft_teams <delayMs> <secret>`, `nextcloud <delayMs> <password>` or
 * `constructor <delayMs> <secret key>`. Answers the parent's "stats" message with request counts.
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
} else if (kind === 'webex') {
  const { startWebexSimulator } = await import('../../dist/providers/webex/simulator.js');
  // No daily creation limit: the bench creates far more than Webex's 100 a day.
  const running = await startWebexSimulator({
    clientId: 'bench-webex-client',
    clientSecret: secret,
    delayMs,
    autoApprove: true,
    dailyMeetingLimit: Number.POSITIVE_INFINITY,
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
} else if (kind === 'nextcloud') {
  const { startNextcloudTalkSimulator } = await import('../../dist/providers/nextcloudTalk/simulator.js');
  const running = await startNextcloudTalkSimulator({ username: 'bench', password: secret, delayMs });
  const state = running.sim.state;
  process.on('message', (message) => {
    if (message === 'stats') process.send({ total: state.requests.length, room: state.requestsOf('room').length });
    if (message === 'reset') state.reset();
  });
  process.send({ url: running.url });
} else if (kind === 'constructor') {
  const { startConstructorGroupsSimulator } = await import('../../dist/providers/constructorGroups/simulator.js');
  const running = await startConstructorGroupsSimulator({ accessKey: 'bench-access-key', secretKey: secret, delayMs });
  const state = running.sim.state;
  process.on('message', (message) => {
    if (message === 'stats') process.send({ total: state.requests.length, room: state.requestsOf('room').length });
    if (message === 'reset') state.reset();
  });
  process.send({ url: running.url });
} else {
  throw new Error(`unknown simulator ${kind}`);
}
