/** The Zoom simulator's REST API: `GET /v2/users/me`, `POST /v2/users/:userId/meetings`, and a join page. */
import { randomBytes, randomInt } from 'node:crypto';
import type { Router } from 'express';
import { renderPage } from '../../../web/html.js';
import { token, type ZoomSimContext } from './context.js';
import type { ZoomSimMeeting } from './types.js';

/** Adds the API endpoints to `router`. */
export function addApiRoutes(router: Router, sim: ZoomSimContext): void {
  const { state } = sim;
  router.get('/v2/users/me', async (req, res) => {
    if (await sim.intercept('me', req, res)) return;
    const issued = sim.bearer(req);
    const user = state.users.find((candidate) => candidate.id === issued?.userId);
    if (!issued || !user) {
      res.status(401).json({ code: 124, message: 'Invalid access token.' });
      return;
    }
    res.json({ id: user.id, account_id: user.accountId, email: user.email, type: 2 });
  });

  router.post('/v2/users/:userId/meetings', async (req, res) => {
    if (await sim.intercept('meetings', req, res)) return;
    const issued = sim.bearer(req);
    if (!issued) {
      res.status(401).json({ code: 124, message: 'Invalid access token.' });
      return;
    }
    const target = String(req.params['userId']);
    const user =
      target === 'me'
        ? state.users.find((candidate) => candidate.id === issued.userId)
        : issued.kind === 'account'
          ? state.users.find((candidate) => candidate.email === target || candidate.id === target)
          : undefined;
    if (!user) {
      res.status(404).json({ code: 1001, message: `User does not exist: ${target}.` });
      return;
    }
    const body = req.body as { topic?: unknown; settings?: unknown };
    const id = randomInt(10_000_000_000, 99_999_999_999);
    const password = randomBytes(4).toString('hex');
    // baseUrl keeps the mount path, so links work when mounted under /_simulators/zoom.
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`;
    const meeting: ZoomSimMeeting = {
      id,
      userId: user.id,
      topic: typeof body.topic === 'string' ? body.topic : '',
      settings: body.settings,
      joinUrl: `${base}/j/${id}?pwd=${password}`,
    };
    state.meetings.push(meeting);
    res.status(201).json({
      id,
      host_id: user.id,
      topic: meeting.topic,
      type: 2,
      join_url: meeting.joinUrl,
      start_url: `${base}/s/${id}?zak=${token('zak')}`,
      password,
      settings: meeting.settings,
    });
  });

  router.get('/j/:id', (req, res) => {
    res.type('html').send(
      renderPage({
        title: `Zoom meeting ${String(req.params['id'])} (simulated)`,
        paragraphs: ['This is where the Zoom meeting would open.'],
      }),
    );
  });
}
