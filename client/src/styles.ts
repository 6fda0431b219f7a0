/**
 * Styles of `<callgate-call-button>`. Everything a page may want to change is a CSS custom
 * property (they pierce the shadow root), and the parts are exposed for `::part()`:
 * `buttons`, `button`, `video-button`, `voice-button`, `status`, `link`.
 */

/** The element's style sheet. Default colours meet WCAG AA contrast on white. */
export const CALL_BUTTON_CSS = `
:host {
  display: block;
  font: inherit;
  color: var(--callgate-text, inherit);
}
:host([hidden]) {
  display: none;
}
[hidden] {
  display: none !important;
}
.buttons {
  display: flex;
  flex-wrap: wrap;
  gap: var(--callgate-gap, 0.5rem);
}
button {
  font: inherit;
  padding: var(--callgate-button-padding, 0.45rem 0.9rem);
  border-radius: var(--callgate-radius, 4px);
  border: var(--callgate-border-width, 2px) solid var(--callgate-accent, #1d4ed8);
  background: var(--callgate-button-background, #fff);
  color: var(--callgate-button-color, var(--callgate-accent, #1d4ed8));
  cursor: pointer;
}
button.primary {
  background: var(--callgate-primary-background, var(--callgate-accent, #1d4ed8));
  color: var(--callgate-primary-color, #fff);
}
button:hover:not([aria-disabled='true']) {
  background: var(--callgate-hover-background, #1e3a8a);
  border-color: var(--callgate-hover-background, #1e3a8a);
  color: var(--callgate-hover-color, #fff);
}
button:focus-visible {
  outline: var(--callgate-focus-outline, 3px solid var(--callgate-accent, #1d4ed8));
  outline-offset: 2px;
}
button[aria-disabled='true'] {
  cursor: not-allowed;
  border-color: var(--callgate-disabled-border, #6b7280);
  background: var(--callgate-disabled-background, #f3f4f6);
  color: var(--callgate-disabled-color, #4b5563);
}
.status {
  margin: var(--callgate-status-margin, 0.5rem 0 0);
  min-height: 1.5em;
}
.status:empty {
  margin: 0;
  min-height: 0;
}
.status[data-tone='error'] {
  color: var(--callgate-error-color, #b91c1c);
  font-weight: 600;
}
.status[data-tone='ok'] {
  color: var(--callgate-ok-color, #166534);
}
a {
  color: var(--callgate-link-color, var(--callgate-accent, #1d4ed8));
}
`;
