/**
 * JSON body handling for `/api/`: at most 16 KiB, JSON only. A body in another content
 * type is refused rather than silently ignored, so a client bug never looks like success.
 */
import express, { type RequestHandler } from 'express';
import { CallgateError } from '../errors.js';

/** The JSON body limit (SPEC §2). */
export const JSON_BODY_LIMIT = 16 * 1024;

const json = express.json({ limit: JSON_BODY_LIMIT, strict: true });

/** Parses JSON bodies; refuses oversized or non-JSON ones. */
export const apiBody: RequestHandler = (req, res, next) => {
  const length = Number(req.headers['content-length'] ?? 0);
  if (length > JSON_BODY_LIMIT) {
    next(new CallgateError('PAYLOAD_TOO_LARGE', 'Request body is too large'));
    return;
  }
  const hasBody = length > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !req.is('application/json')) {
    next(
      new CallgateError('BAD_REQUEST', 'body: must be JSON (Content-Type: application/json)', {
        fields: { field: 'body' },
      }),
    );
    return;
  }
  json(req, res, next);
};
