/**
 * The authorization popup must keep `window.opener` so its last page can `postMessage` the
 * result to the chat frontend at HOST_ORIGIN (SPEC §5). The app-wide
 * `Cross-Origin-Opener-Policy: same-origin-allow-popups` would put a popup opened by a page
 * of another origin into a new browsing-context group, cutting that link (and making the
 * opener see the popup as closed). The popup's own pages — `/calls/<path>/register` and
 * `/complete`, and local mode's simulated provider pages — therefore opt out.
 */
import type { RequestHandler } from 'express';

const POPUP_PAGE = /^\/(calls\/[a-z0-9_]+\/(register|complete)|_simulators\/.*)$/;

/** Sets `Cross-Origin-Opener-Policy: unsafe-none` on the authorization popup's pages. */
export const popupOpenerPolicy: RequestHandler = (req, res, next) => {
  if (POPUP_PAGE.test(req.path)) res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
  next();
};
