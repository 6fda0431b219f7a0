/** The success shape of SPEC §2. */
import type { Response } from 'express';

/** Sends `{"result":"success","msg":"", ...fields}`. */
export function sendSuccess(res: Response, fields: Record<string, unknown> = {}, status = 200): void {
  res.status(status).json({ result: 'success', msg: '', ...fields });
}
