/**
 * The baselines of `npm run bench`, plain Express 5 answering the same JSON as a created
 * Jitsi call. BENCH_MODE=json (the ratio's baseline): no auth, no body parsing, no database;
 * BENCH_MODE=parse: also parses the JSON body, as any endpoint taking one must.
 * Prints "listening <port>".
 */
import express from 'express';

const answer = {
  result: 'success',
  msg: '',
  provider: 'jitsi_meet',
  url: 'https://meet.example.org/abcdefghij0123456789',
  is_video_call: true,
};
const app = express();
if (process.env.BENCH_MODE === 'parse') app.use(express.json({ limit: '16kb' }));
app.post('/api/v1/calls', (_req, res) => {
  res.json(answer);
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
