/**
 * Mints an identity JWT with the configured secret, as a host would:
 *   npm run token -- --org acme --user 42 --role admin [--name "Ada"] [--email a@b.c] [--ttl 3600]
 */
import { parseArgs } from 'node:util';
import { mintToken, ORG_ID_PATTERN, ROLES, type Role } from '../auth/identity.js';
import { ConfigError, loadConfig } from '../config/index.js';

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    user: { type: 'string' },
    role: { type: 'string', default: 'member' },
    name: { type: 'string' },
    email: { type: 'string' },
    ttl: { type: 'string', default: '3600' },
  },
});
if (!values.org || !ORG_ID_PATTERN.test(values.org)) fail('--org is required (lowercase letters, digits, -)');
if (!values.user) fail('--user is required');
if (!(ROLES as readonly string[]).includes(values.role ?? '')) fail(`--role must be one of ${ROLES.join(', ')}`);
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) fail('--ttl must be a positive number of seconds');

let config;
try {
  ({ config } = loadConfig());
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
if (!config.auth.jwtSecret) fail('AUTH_JWT_PUBLIC_KEY_FILE is set: tokens are signed by the host, not here');
process.stdout.write(
  `${mintToken(config.auth.jwtSecret, {
    org: values.org,
    userId: values.user,
    role: values.role as Role,
    ttlSeconds: ttl,
    audience: config.auth.audience,
    issuer: config.auth.issuer,
    ...(values.name ? { name: values.name } : {}),
    ...(values.email ? { email: values.email } : {}),
  })}\n`,
);
