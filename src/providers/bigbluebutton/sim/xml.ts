/** The simulator's answers: BBB's XML, and the failures it can be told to produce. */
import type { Request, Response } from 'express';
import { sendTransportFault, sendTruncated } from '../../../local/simulators/faults.js';
import type { SimulatedFailure } from './types.js';

/** Plays an injected failure. */
export function sendFailure(
  req: Request,
  res: Response,
  failure: Exclude<SimulatedFailure, { kind: 'missing_fields' | 'delay' }>,
): void {
  switch (failure.kind) {
    case 'status':
      res
        .status(failure.status)
        .type('text/plain')
        .set(failure.headers ?? {})
        .send(failure.body);
      return;
    case 'hang':
    case 'reset':
    case 'redirect':
      sendTransportFault(req, res, failure);
      return;
    case 'truncated':
      sendTruncated(req, res, {
        status: 200,
        contentType: 'application/xml',
        start: '<response><returncode>SUCCESS</returncode><meetingID>',
      });
      return;
    case 'non_xml':
      res.type('html').send('<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>');
      return;
    case 'failed':
      sendXml(res, {
        returncode: 'FAILED',
        messageKey: failure.messageKey,
        message: failure.message ?? failure.messageKey,
      });
      return;
  }
}

export function sendXml(res: Response, fields: Record<string, string>): void {
  res.type('application/xml').send(`<response>${xmlFields(fields)}</response>`);
}

export function xmlFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
