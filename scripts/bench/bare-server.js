/**
 * The baseline of `npm run bench`: bare Express that only verifies the same JWT and
 * answers JSON. BENCH_CACHE=1 adds the same verify-once cache callgate uses, for a
 * stricter comparison. Prints "listening <port>".
 */
import express from 'express';
import jwt from 'jsonwebtoken';

const secret = process.env.BENCH_JWT_SECRET;
const cache = new Map();
const app = express();
app.use(express.json({ limit: '16kb' }));
app.post('/api/v1/calls', (req, res) => {
  const token = (req.headers.authorization ?? '').slice('Bearer '.length);
  try {
    let claims = process.env.BENCH_CACHE === '1' ? cache.get(token) : undefined;
    if (!claims) {
      claims = jwt.verify(token, secret, { algorithms: ['HS256'], audience: 'callgate' });
      if (process.env.BENCH_CACHE === '1') cache.set(token, claims);
    }
    res.json({ result: 'success', msg: '', user: claims.sub });
  } catch {
    res.status(401).json({ result: 'error', msg: 'Invalid token', code: 'UNAUTHORIZED' });
  }
});
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
