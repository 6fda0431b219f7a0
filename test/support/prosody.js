/**
 * verifyLikeProsody: checks a Jitsi JWT the way Prosody's token authentication does, so
 * tests prove the tokens callgate mints would be accepted by a real Jitsi deployment.
 * Mirrors, step by step, in the same order:
 * - `resources/prosody-plugins/luajwtjitsi.lib.lua` (jitsi/jitsi-meet), `M.verify`:
 *   three segments; header `typ` == "JWT"; header `alg` == the configured algorithm
 *   (HS256 for `app_secret`, RS256 for keys from `asap_key_server`); signature; `exp`
 *   and `nbf` numbers; refused when `now >= exp` or `now < nbf`; `iss` in
 *   `asap_accepted_issuers`, `aud` in `asap_accepted_audiences` ('*' accepts any).
 * - `resources/prosody-plugins/token/util.lib.lua`, `Util:verify_token` (a `room` claim
 *   is required unless `asap_require_room_claim` is false) and `Util:verify_room`
 *   (the MUC room node must equal `lower(room)` or the claim is '*'; with
 *   `enable_domain_verification`, `sub` must be the tenant of `[tenant]room@muc` or the
 *   domain of `room@conference.<domain>`).
 * Written from those sources with node:crypto, independent of jsonwebtoken.
 */
import { createHmac, createPublicKey, createVerify, timingSafeEqual } from 'node:crypto';
/** A token Prosody refused, with Prosody's reason. */
export class ProsodyRefusal extends Error {
    name = 'ProsodyRefusal';
}
function decodeSegment(segment, what) {
    try {
        const value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
        if (value === null || typeof value !== 'object' || Array.isArray(value))
            throw new Error('not an object');
        return value;
    }
    catch {
        throw new ProsodyRefusal(`Invalid ${what}`);
    }
}
function claimAccepted(claim, accepted) {
    return accepted.some((value) => value === '*' || value === claim);
}
/**
 * Verifies `token` for a join of the MUC room `roomAddress` (e.g.
 * `abc@conference.meet.example.com` or `[team]abc@conference.meet.example.com`).
 * Returns the claims, or throws ProsodyRefusal with the reason Prosody would log.
 */
export function verifyLikeProsody(token, settings, roomAddress) {
    // luajwtjitsi M.verify
    const segments = token.split('.').filter((segment) => segment !== '');
    if (segments.length !== 3)
        throw new ProsodyRefusal('Invalid token');
    const [headerPart, bodyPart, signaturePart] = segments;
    const header = decodeSegment(headerPart, 'header');
    const body = decodeSegment(bodyPart, 'body');
    if (header['typ'] !== 'JWT')
        throw new ProsodyRefusal('Invalid typ');
    if (header['alg'] !== settings.algorithm)
        throw new ProsodyRefusal('Invalid or incorrect alg');
    const signingInput = `${headerPart}.${bodyPart}`;
    const signature = Buffer.from(signaturePart, 'base64url');
    let valid;
    if (settings.algorithm === 'HS256') {
        if (typeof settings.key !== 'string')
            throw new Error('HS256 needs the app secret');
        const expected = createHmac('sha256', settings.key).update(signingInput).digest();
        valid = expected.length === signature.length && timingSafeEqual(expected, signature);
    }
    else {
        const key = typeof settings.key === 'string' ? createPublicKey(settings.key) : settings.key;
        valid = createVerify('sha256').update(signingInput).verify(key, signature);
    }
    if (!valid)
        throw new ProsodyRefusal('Invalid signature');
    if (body['exp'] !== undefined && typeof body['exp'] !== 'number')
        throw new ProsodyRefusal('exp must be number');
    if (body['nbf'] !== undefined && typeof body['nbf'] !== 'number')
        throw new ProsodyRefusal('nbf must be number');
    if (typeof body['exp'] === 'number' && settings.nowSeconds >= body['exp']) {
        throw new ProsodyRefusal('Not acceptable by exp');
    }
    if (typeof body['nbf'] === 'number' && settings.nowSeconds < body['nbf']) {
        throw new ProsodyRefusal('Not acceptable by nbf');
    }
    if (body['iss'] === undefined)
        throw new ProsodyRefusal("'iss' claim is missing");
    if (!claimAccepted(body['iss'], settings.acceptedIssuers))
        throw new ProsodyRefusal("invalid 'iss' claim");
    if (body['aud'] === undefined)
        throw new ProsodyRefusal("'aud' claim is missing");
    if (!claimAccepted(body['aud'], settings.acceptedAudiences))
        throw new ProsodyRefusal("invalid 'aud' claim");
    // util.lib.lua Util:verify_token
    if ((settings.requireRoomClaim ?? true) && body['room'] === undefined) {
        throw new ProsodyRefusal("'room' claim is missing");
    }
    // util.lib.lua Util:verify_room; MUC room JIDs are nodeprep'd, i.e. lowercase.
    const address = roomAddress.toLowerCase();
    const at = address.indexOf('@');
    const node = address.slice(0, at);
    const authRoom = typeof body['room'] === 'string' ? body['room'] : undefined;
    const authDomain = typeof body['sub'] === 'string' ? body['sub'] : undefined;
    const verification = settings.domainVerification;
    if (!verification) {
        if (authRoom !== undefined && node !== authRoom.toLowerCase() && authRoom !== '*') {
            throw new ProsodyRefusal('room does not match the token');
        }
        return body;
    }
    const prefix = verification.mucDomainPrefix ?? 'conference';
    const mucDomain = `${prefix}.${verification.mucDomainBase}`;
    const tenantMatch = /^\[([^\]]+)\](.+)$/.exec(node);
    const targetSubdomain = tenantMatch?.[1];
    const targetRoom = tenantMatch?.[2];
    const roomToCheck = authRoom === '*' ? (targetRoom ?? node) : (authRoom ?? '');
    let expected;
    if (targetSubdomain !== undefined) {
        const subdomain = authDomain === '*' ? targetSubdomain : (authDomain ?? '');
        expected = `[${subdomain.toLowerCase()}]${roomToCheck.toLowerCase()}@${mucDomain}`;
    }
    else {
        const domain = authDomain === '*' ? mucDomain : `${prefix}.${authDomain ?? ''}`;
        expected = `${roomToCheck.toLowerCase()}@${domain.toLowerCase()}`;
    }
    if (address !== expected)
        throw new ProsodyRefusal(`room or domain does not match the token (${expected})`);
    return body;
}
//# sourceMappingURL=prosody.js.map