/**
 * Mints an identity JWT with the configured secret, as a host would:
 *   npm run token -- --org acme --user 42 --role admin [--name "Ada"] [--email a@b.c] [--ttl 3600]
 */
import { mintToken, ORG_ID_PATTERN, ROLES, type Role } from '../auth/identity.js';
import { loadConfig } from '../config/index.js';
import { runCommand, UsageError } from './command.js';

const HELP = `
Usage: npm run token -- --org <org> --user <id> [options]

Mints an identity JWT signed with auth_jwt_secret, as the chat server (the host) would.

  --org <org>      organization id: lowercase letters, digits and -, e.g. acme (required)
  --user <id>      user id, 1-128 characters (required)
  --role <role>    ${ROLES.join(' | ')} (default: member)
  --name <text>    display name (default: "User <id>")
  --email <addr>   email address (default: user<id>@<org>.example)
  --ttl <seconds>  lifetime in seconds, 1 to 31536000 (default: 3600)
  --help           this text
`;

const MAX_TTL_SECONDS = 365 * 86400;

await runCommand(
  {
    name: 'token',
    help: HELP,
    options: {
      org: { type: 'string' },
      user: { type: 'string' },
      role: { type: 'string', default: 'member' },
      name: { type: 'string' },
      email: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
    },
  },
  (values) => {
    if (values.org === undefined) throw new UsageError('--org is required');
    if (!ORG_ID_PATTERN.test(values.org)) {
      throw new UsageError(`--org "${values.org}" is not an organization id: use lowercase letters, digits and -`);
    }
    if (values.user === undefined || values.user === '') throw new UsageError('--user is required');
    if (values.user.length > 128) throw new UsageError('--user must be at most 128 characters');
    const role = values.role;
    if (!(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
    const ttl = /^\d+$/.test(values.ttl) ? Number(values.ttl) : NaN;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL_SECONDS) {
      throw new UsageError(`--ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
    }
    const { config } = loadConfig();
    if (!config.auth.jwtSecret) {
      throw new UsageError('AUTH_JWT_PUBLIC_KEY_FILE is set: tokens are signed by the host, not here');
    }
    const token = mintToken(config.auth.jwtSecret, {
      org: values.org,
      userId: values.user,
      role: role as Role,
      ttlSeconds: ttl,
      audience: config.auth.audience,
      issuer: config.auth.issuer,
      ...(values.name ? { name: values.name } : {}),
      ...(values.email ? { email: values.email } : {}),
    });
    process.stdout.write(`${token}\n`);
  },
);
