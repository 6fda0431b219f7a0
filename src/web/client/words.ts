/**
 * Words for what the API says in keys and codes: setting names, provider ids, validation
 * messages and connection-check reasons. The API keeps its codes for programs; people
 * reading the admin page get sentences.
 */

/** Labels of settings whose generic label would read oddly. */
const FIELD_LABELS: Record<string, string> = {
  video_chat_provider: 'Provider',
  jitsi_server_url: 'Jitsi server URL',
};

/** Abbreviations written in capitals in a label. */
const CAPITALS = new Set(['url', 'id', 'jwt', 'api']);

/** A setting's label, e.g. `jitsi_server_url` → "Jitsi server URL"; unknown names are spelled out. */
export function fieldLabel(name: string): string {
  const known = FIELD_LABELS[name];
  if (known) return known;
  const words = name.split('_').filter((word) => word !== '');
  const spelled = words.map((word) => (CAPITALS.has(word) ? word.toUpperCase() : word)).join(' ');
  return spelled.charAt(0).toUpperCase() + spelled.slice(1);
}

/** What a provider id means to a person; "disabled" is no provider at all. */
export function providerLabel(id: string, names: Record<string, string>): string {
  if (id === 'disabled') return 'None (calls turned off)';
  return names[id] ?? id;
}

/** One audit-log change, e.g. "Provider: BigBlueButton → Jitsi Meet". */
export function describeChange(field: string, from: unknown, to: unknown, names: Record<string, string>): string {
  const show = (value: unknown): string => {
    if (value === null || value === undefined) return "this server's default";
    const text = String(value);
    return field === 'video_chat_provider' ? providerLabel(text, names) : text;
  };
  return `${changeLabel(field, names)}: ${show(from)} → ${show(to)}`;
}

/** A change's label; an org credential change is keyed `<provider id>.<field>`, e.g. "BigBlueButton secret". */
function changeLabel(field: string, names: Record<string, string>): string {
  const dot = field.indexOf('.');
  if (dot < 0) return fieldLabel(field);
  const label = fieldLabel(field.slice(dot + 1));
  // "Secret" reads "secret" after the provider's name; an abbreviation ("URL") stays as it is.
  const inner = /^[A-Z][a-z]/.test(label) ? `${label.charAt(0).toLowerCase()}${label.slice(1)}` : label;
  return `${providerLabel(field.slice(0, dot), names)} ${inner}`;
}

/** Validation phrasings of the API, as an admin would say them. */
const FIELD_PROBLEMS: [RegExp, string][] = [
  [/^must use https\b.*$/, 'must start with https://'],
  [/^must be an absolute URL$/, 'must be a full address starting with https://'],
  [/^must not contain credentials$/, 'must not contain a user name or password'],
  [/^must not contain a query or fragment$/, 'must not contain "?" or "#"'],
];

/**
 * A field error for the page: the API's "jitsi_server_url: must use https…" becomes
 * "Jitsi server URL must start with https://". Unknown phrasings keep their words.
 */
export function fieldErrorText(field: string, message: string): string {
  const prefix = `${field}: `;
  const problem = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  const words = FIELD_PROBLEMS.find(([pattern]) => pattern.test(problem))?.[1] ?? problem;
  return `${fieldLabel(field)} ${words}`;
}

/** Connection-check reasons (SPEC §6) in words. */
const CHECK_REASONS: Record<string, string> = {
  unreachable: 'the server could not be reached',
  timeout: 'the server did not answer in time',
  bad_secret: 'the server refused the shared secret',
  checksum_algorithm_refused: 'the server refused the checksum algorithm',
  not_a_bbb_server: 'this does not look like a BigBlueButton server',
  not_a_jitsi_server: 'this does not look like a Jitsi Meet server',
  invalid_credentials: 'the server refused the client credentials',
  not_configured: 'it is not set up on this server',
  address_not_allowed: 'the address is a private or reserved one, which is not allowed',
  rate_limited: 'the server is limiting requests; try again later',
  unexpected_answer: 'the server gave an answer callgate did not expect',
  redirected: 'the server redirected elsewhere',
  server_error: 'the server reported an error',
  provider_error: 'the server reported an error',
};

/** A check reason in words; an unknown one is spelled out rather than shown as a key. */
export function checkReasonText(reason: string): string {
  return CHECK_REASONS[reason] ?? (reason.replace(/_/g, ' ') || 'unknown reason');
}
