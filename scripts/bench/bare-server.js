/**
 * The baselines of `npm run bench`, answering the same JSON as a created Jitsi call.
 * BENCH_MODE=json (the ratio's baseline): plain Express 5, no auth, no body parsing, no
 * database; BENCH_MODE=parse: Express that also parses the JSON body, as any endpoint taking
 * one must; BENCH_MODE=node: plain node:http reading and parsing the body (what callgate's
 * JSON API is built on: the ceiling). Prints "listening <port>".
 */
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import express from 'express';

const answer = {
  result: 'success',
  msg: '',
  provider: 'jitsi_meet',
  url: 'https://meet.example.org/abcdefghij0123456789',
  is_video_call: true,
};

function nodeServer() {
  const text = JSON.stringify(answer);
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    });
  });
}

function expressServer() {
  const app = express();
  if (process.env.BENCH_MODE === 'parse') app.use(express.json({ limit: '16kb' }));
  app.post('/api/v1/calls', (_req, res) => {
    res.json(answer);
  });
  return createServer(app);
}

const server = process.env.BENCH_MODE === 'node' ? nodeServer() : expressServer();
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
