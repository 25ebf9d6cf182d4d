// Seeded generators of hostile webhook requests for the hostile-input fault suite. Each request says
// whether it is correctly signed (and so may leave an `invalid` row) or not (and must leave nothing).
import { connect } from 'node:net';
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationInvitation,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/internal';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing/svix';
import fc from 'fast-check';

export interface HostileRequest {
  category: string;
  svixId: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Correctly signed, within the timestamp tolerance and the size limit: may be recorded as `invalid`. */
  signed: boolean;
  /** Over the 1 MiB limit: the API may close the connection instead of answering. */
  oversize: boolean;
}

const LIMIT = 1024 * 1024;

const INJECTIONS = [
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '"; DELETE FROM webhook_events; --',
  "user_1' UNION SELECT * FROM users --",
  '$1, $2); TRUNCATE users; --',
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose.
  '${process.exit(1)}',
  '__proto__',
  '../../../../etc/passwd',
  '%00%27%22',
];
const UNICODE = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202eevil\u202c',
  '\ufeff',
  '\u2028\u2029',
  'Z\u0351\u0358\u0362\u0355\u033a',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🧑‍🚀',
  'İıßﬁ',
  '\uffff\ufffe',
  '\u0085',
];

const hostileString = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(...UNICODE),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.constantFrom(...UNICODE)).map(([a, b]) => `${a}${b}`),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=iso-8859-1',
  'application/octet-stream',
  '',
  null,
);

const wrongValue = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  hostileString,
);

/** A valid event shape, then one change that makes it unusable (each `mutate` is checked to invalidate). */
const wrongFieldTypes = fc
  .record({
    type: fc.constantFrom('user.created', 'user.updated'),
    name: hostileString,
    mutation: fc.constantFrom(
      'id',
      'created_at',
      'updated_at',
      'email_addresses',
      'first_name',
      'public_metadata',
      'type',
      'data',
      'last_sign_in_at',
      'phone_numbers',
      'missing_updated_at',
    ),
    value: wrongValue,
    integer: fc.oneof(fc.integer({ max: -1 }), fc.double({ noInteger: true }), fc.constant(Number.MAX_VALUE)),
  })
  .map(({ type, name, mutation, value, integer }) => {
    const user = sampleClerkUser({ firstName: name, id: 'user_hostile' });
    const event = sampleClerkEvent(type, user) as Record<string, unknown>;
    const data = event.data as Record<string, unknown>;
    switch (mutation) {
      case 'id':
        data.id = typeof value === 'string' ? 42 : value === null ? null : [value];
        break;
      case 'created_at':
      case 'updated_at':
      case 'last_sign_in_at':
        data[mutation] = typeof value === 'number' ? integer : String(value);
        break;
      case 'email_addresses':
        data.email_addresses = typeof value === 'string' ? value : [{ id: value, email_address: 7 }];
        break;
      case 'phone_numbers':
        data.phone_numbers = [{ id: 'idn_1', phone_number: typeof value === 'string' ? 1 : value }];
        break;
      case 'first_name':
        data.first_name = typeof value === 'string' || value === null ? { name: value } : value;
        break;
      case 'public_metadata':
        data.public_metadata = typeof value === 'string' ? value : 123;
        break;
      case 'type':
        event.type = typeof value === 'string' ? 12 : value === null ? '' : { value };
        break;
      case 'data':
        event.data = value === null ? null : typeof value === 'object' ? 'not an object' : value;
        break;
      case 'missing_updated_at':
        delete data.updated_at;
        break;
    }
    return JSON.stringify(event);
  });

/** Organization, membership and invitation events with one field made unusable. */
const wrongOrganizationFields = fc
  .record({
    name: hostileString,
    kind: fc.constantFrom(
      'organization.name',
      'organization.updated_at',
      'organization.id',
      'organization.long_slug',
      'membership.role',
      'membership.user',
      'membership.organization',
      'membership.permissions',
      'membership.nul_role',
      'invitation.email_address',
      'invitation.organization_id',
      'invitation.updated_at',
    ),
    value: wrongValue,
  })
  .map(({ name, kind, value }) => {
    const organization = sampleClerkOrganization({ id: 'org_hostile', name });
    const membership = sampleClerkOrganizationMembership({ id: 'orgmem_hostile', organization });
    const invitation = sampleClerkOrganizationInvitation({ id: 'orginv_hostile' });
    const notString = typeof value === 'string' ? { value } : value;
    switch (kind) {
      case 'organization.name':
        return JSON.stringify(sampleClerkEvent('organization.created', { ...organization, name: notString }));
      case 'organization.updated_at':
        return JSON.stringify(
          sampleClerkEvent('organization.updated', { ...organization, updated_at: String(value) }),
        );
      case 'organization.id':
        return JSON.stringify(
          sampleClerkEvent('organization.created', { ...organization, id: notString ?? '' }),
        );
      case 'organization.long_slug':
        return JSON.stringify(
          sampleClerkEvent('organization.created', { ...organization, slug: 's'.repeat(5_000) }),
        );
      case 'membership.role':
        return JSON.stringify(
          sampleClerkEvent('organizationMembership.created', { ...membership, role: notString }),
        );
      case 'membership.user':
        return JSON.stringify(
          sampleClerkEvent('organizationMembership.updated', {
            ...membership,
            public_user_data: { user_id: notString },
          }),
        );
      case 'membership.organization': {
        const { organization: _, ...rest } = membership;
        return JSON.stringify(sampleClerkEvent('organizationMembership.created', rest));
      }
      case 'membership.permissions':
        return JSON.stringify(
          sampleClerkEvent('organizationMembership.created', {
            ...membership,
            permissions: Array.isArray(notString) ? [1] : (notString ?? 'x'),
          }),
        );
      case 'membership.nul_role':
        return JSON.stringify(
          sampleClerkEvent('organizationMembership.created', { ...membership, role: 'org:\u0000admin' }),
        );
      case 'invitation.email_address':
        return JSON.stringify(
          sampleClerkEvent('organizationInvitation.created', { ...invitation, email_address: notString }),
        );
      case 'invitation.organization_id':
        return JSON.stringify(
          sampleClerkEvent('organizationInvitation.accepted', { ...invitation, organization_id: notString }),
        );
      case 'invitation.updated_at':
        return JSON.stringify(
          sampleClerkEvent('organizationInvitation.revoked', { ...invitation, updated_at: -1 }),
        );
      default: {
        const unknownKind: never = kind;
        throw new Error(`no hostile organization body for ${String(unknownKind)}`);
      }
    }
  });

const signedInvalidBody = fc.oneof(
  { weight: 60, arbitrary: wrongFieldTypes },
  { weight: 20, arbitrary: wrongOrganizationFields },
  // Truncated anywhere: a proper prefix of a JSON object is never valid JSON.
  {
    weight: 20,
    arbitrary: fc.double({ min: 0, max: 0.999, noNaN: true }).map((at) => {
      const full = JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser()));
      return full.slice(0, Math.floor(at * full.length));
    }),
  },
  // JSON that is not an event object.
  {
    weight: 20,
    arbitrary: fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v) => JSON.stringify(v) ?? 'null'),
  },
  // Hostile text that is not JSON.
  { weight: 10, arbitrary: hostileString.map((s) => `{"type": ${s}`) },
  // Values over the column limits.
  {
    weight: 10,
    arbitrary: fc
      .record({
        field: fc.constantFrom('first_name', 'last_name', 'username', 'image_url', 'id'),
        length: fc.integer({ min: 2_100, max: 20_000 }),
        text: fc.constantFrom('a', 'é', '🧑', "'"),
      })
      .map(({ field, length, text }) => {
        const user = sampleClerkUser({ id: 'user_long' });
        user[field] = text.repeat(length);
        return JSON.stringify(sampleClerkEvent('user.created', user));
      }),
  },
  // NUL and unpaired surrogates inside otherwise valid events.
  {
    weight: 10,
    arbitrary: fc
      .record({
        bad: fc.constantFrom('\u0000', '\ud800', '\udc00'),
        at: fc.constantFrom('first_name', 'username'),
      })
      .map(({ bad, at }) => {
        const user = sampleClerkUser();
        user[at] = `x${bad}y`;
        return JSON.stringify(sampleClerkEvent('user.updated', user));
      }),
  },
  // Deeply nested JSON.
  {
    weight: 10,
    arbitrary: fc
      .record({ depth: fc.integer({ min: 1_001, max: 60_000 }), open: fc.constantFrom('[', '{"a":') })
      .map(({ depth, open }) => {
        const close = open === '[' ? ']' : '}';
        return `{"type":"user.created","data":{"id":"user_deep","x":${open.repeat(depth)}${open === '[' ? '' : '1'}${close.repeat(depth)}}}`;
      }),
  },
  // Close to the size limit, still unusable (a 600 KB first name).
  {
    weight: 2,
    arbitrary: fc.constant(0).map(() => {
      const user = sampleClerkUser({ firstName: 'A'.repeat(600_000) });
      return JSON.stringify(sampleClerkEvent('user.created', user));
    }),
  },
);

type Recipe =
  | {
      kind: 'unsigned';
      missing: 'all' | 'svix-id' | 'svix-timestamp' | 'svix-signature';
      body: string;
      ct: string | null;
    }
  | {
      kind: 'bad-signature';
      how: 'random' | 'other-secret' | 'other-body' | 'tampered' | 'other-id' | 'garbage';
      body: string;
      ct: string | null;
      noise: string;
    }
  | { kind: 'timestamp'; offsetSeconds: number; body: string; ct: string | null }
  | { kind: 'signed-invalid'; body: string; ct: string | null; svixIdPrefix: string }
  | { kind: 'invalid-utf8'; body: string; ct: string | null; signedOver: 'decoded' | 'bytes' }
  | { kind: 'out-of-range'; at: OutOfRange; value: number; ct: string | null }
  | { kind: 'long-id'; type: 'user.created' | 'user.updated' | 'user.deleted'; length: number }
  | { kind: 'oversize'; extra: number; sign: boolean };

/** Where a timestamp past the JavaScript Date range (8.64e15 ms) can sit in a Clerk event. */
type OutOfRange = 'created_at' | 'updated_at' | 'last_sign_in_at' | 'deleted-envelope' | 'updated-envelope';
const DATE_RANGE_END = 8_640_000_000_000_000;

const validBody = fc
  .constant(0)
  .map(() => JSON.stringify(sampleClerkEvent('user.created', sampleClerkUser())));
const anyBody = fc.oneof(validBody, signedInvalidBody);

const recipe: fc.Arbitrary<Recipe> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('unsigned' as const),
      missing: fc.constantFrom(
        'all' as const,
        'svix-id' as const,
        'svix-timestamp' as const,
        'svix-signature' as const,
      ),
      body: anyBody,
      ct: contentType,
    }),
  },
  {
    weight: 30,
    arbitrary: fc.record({
      kind: fc.constant('bad-signature' as const),
      how: fc.constantFrom(
        'random' as const,
        'other-secret' as const,
        'other-body' as const,
        'tampered' as const,
        'other-id' as const,
        'garbage' as const,
      ),
      body: anyBody,
      ct: contentType,
      // Printable: a header value with control characters never leaves the client.
      noise: fc
        .string({ unit: 'binary-ascii', minLength: 1, maxLength: 80 })
        .map((n) => n.replace(/[^\x21-\x7e]/g, '_')),
    }),
  },
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant('timestamp' as const),
      offsetSeconds: fc.oneof(
        fc.integer({ min: 320, max: 10_000_000 }),
        fc.integer({ min: -10_000_000, max: -320 }),
      ),
      body: anyBody,
      ct: contentType,
    }),
  },
  {
    weight: 60,
    arbitrary: fc.record({
      kind: fc.constant('signed-invalid' as const),
      body: signedInvalidBody,
      ct: contentType,
      svixIdPrefix: fc.oneof(
        fc.constant('msg_'),
        fc.constantFrom(...INJECTIONS).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        fc
          .string({ unit: 'binary-ascii', minLength: 1, maxLength: 30 })
          .map((s) => s.replace(/[^\x21-\x7e]/g, '_')),
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('invalid-utf8' as const),
      body: signedInvalidBody,
      ct: contentType,
      signedOver: fc.constantFrom('decoded' as const, 'bytes' as const),
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('out-of-range' as const),
      at: fc.constantFrom<OutOfRange>(
        'created_at',
        'updated_at',
        'last_sign_in_at',
        'deleted-envelope',
        'updated-envelope',
      ),
      value: fc.oneof(
        fc.integer({ min: DATE_RANGE_END + 1, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(9_000_000_000_000_000, Number.MAX_SAFE_INTEGER, 253_402_300_800_000),
      ),
      ct: contentType,
    }),
  },
  {
    weight: 10,
    arbitrary: fc.record({
      kind: fc.constant('long-id' as const),
      type: fc.constantFrom('user.created' as const, 'user.updated' as const, 'user.deleted' as const),
      length: fc.oneof(fc.integer({ min: 256, max: 5_000 }), fc.constant(3_000)),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('oversize' as const),
      extra: fc.integer({ min: 1, max: 200_000 }),
      sign: fc.boolean(),
    }),
  },
);

/** `count` hostile requests from `seed`, signed for `secret`; svix-ids are unique within `runTag`. */
export function hostileRequests(
  secret: string,
  count: number,
  seed: number,
  runTag: string,
): HostileRequest[] {
  const otherSecret = testWebhookSecret();
  return fc.sample(recipe, { seed, numRuns: count }).map((r, index) => build(r, index));

  function build(r: Recipe, index: number): HostileRequest {
    const svixId = `msg_${runTag}_${index}`;
    const withType = (ct: string | null): Record<string, string> =>
      ct === null ? {} : { 'content-type': ct };
    switch (r.kind) {
      case 'unsigned': {
        const headers: Record<string, string> = {
          ...withType(r.ct),
          ...signSvixDelivery(secret, r.body, { svixId }),
        };
        if (r.missing === 'all') {
          delete headers['svix-id'];
          delete headers['svix-timestamp'];
          delete headers['svix-signature'];
        } else {
          delete headers[r.missing];
        }
        return plain(`unsigned:${r.missing}`, svixId, headers, Buffer.from(r.body));
      }
      case 'bad-signature': {
        const signature = (() => {
          switch (r.how) {
            case 'random':
              return `v1,${Buffer.from(r.noise).toString('base64')}`;
            case 'other-secret':
              return signSvixDelivery(otherSecret, r.body, { svixId })['svix-signature'];
            case 'other-body':
              return signSvixDelivery(secret, `${r.body} `, { svixId })['svix-signature'];
            case 'tampered':
              return signSvixDelivery(secret, r.body, { svixId })['svix-signature'].replace(/.$/, (c) =>
                c === 'A' ? 'B' : 'A',
              );
            case 'other-id':
              return signSvixDelivery(secret, r.body, { svixId: `${svixId}x` })['svix-signature'];
            case 'garbage':
              return r.noise;
          }
        })();
        const headers = {
          ...withType(r.ct),
          ...signSvixDelivery(secret, r.body, { svixId }),
          'svix-signature': signature,
        };
        return plain(`bad-signature:${r.how}`, svixId, headers, Buffer.from(r.body));
      }
      case 'timestamp': {
        const timestamp = new Date(Date.now() + r.offsetSeconds * 1000);
        const headers = { ...withType(r.ct), ...signSvixDelivery(secret, r.body, { svixId, timestamp }) };
        return plain(
          r.offsetSeconds < 0 ? 'stale-timestamp' : 'future-timestamp',
          svixId,
          headers,
          Buffer.from(r.body),
        );
      }
      case 'signed-invalid': {
        const id = r.svixIdPrefix === 'msg_' ? svixId : `${r.svixIdPrefix.slice(0, 200)}#${runTag}_${index}`;
        const headers = { ...withType(r.ct), ...signSvixDelivery(secret, r.body, { svixId: id }) };
        const body = Buffer.from(r.body);
        return {
          category: r.ct === '' ? 'signed-invalid:empty-content-type' : 'signed-invalid',
          svixId: id,
          headers,
          body,
          // Any content type, an empty one included: the signature decides.
          signed: body.length <= LIMIT,
          oversize: false,
        };
      }
      case 'invalid-utf8': {
        // Bytes that are not UTF-8 inside the JSON, signed over their UTF-8 decoding (what a verifier
        // that decodes first accepts) or over the bytes. Neither can be checked byte for byte: refused.
        const body = Buffer.concat([
          Buffer.from(r.body.slice(0, 20)),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from(r.body.slice(20)),
        ]);
        const signedText = r.signedOver === 'decoded' ? body.toString('utf8') : body.toString('latin1');
        const headers = { ...withType(r.ct), ...signSvixDelivery(secret, signedText, { svixId }) };
        return plain(`invalid-utf8:${r.signedOver}`, svixId, headers, body);
      }
      case 'out-of-range': {
        const user: Record<string, unknown> = sampleClerkUser({ id: 'user_range' });
        const envelope =
          r.at === 'deleted-envelope'
            ? 'user.deleted'
            : r.at === 'updated-envelope'
              ? 'user.updated'
              : 'user.created';
        const event = sampleClerkEvent(
          envelope,
          envelope === 'user.deleted' ? { id: 'user_range' } : user,
        ) as Record<string, unknown>;
        if (r.at.endsWith('-envelope')) event.timestamp = r.value;
        else (event.data as Record<string, unknown>)[r.at] = r.value;
        const body = JSON.stringify(event);
        const headers = { ...withType(r.ct), ...signSvixDelivery(secret, body, { svixId }) };
        return {
          category: `signed-timestamp:${r.at}`,
          svixId,
          headers,
          body: Buffer.from(body),
          signed: true,
          oversize: false,
        };
      }
      case 'long-id': {
        const id = `user_${'x'.repeat(r.length - 5)}`;
        const body = JSON.stringify(
          r.type === 'user.deleted'
            ? sampleClerkEvent('user.deleted', { id })
            : sampleClerkEvent(r.type, { ...sampleClerkUser(), id }),
        );
        const headers = { 'content-type': 'application/json', ...signSvixDelivery(secret, body, { svixId }) };
        return {
          category: `signed-long-id:${r.type}`,
          svixId,
          headers,
          body: Buffer.from(body),
          signed: true,
          oversize: false,
        };
      }
      case 'oversize': {
        const body = Buffer.from(
          `{"type":"user.created","data":{"id":"user_big","pad":"${'x'.repeat(LIMIT + r.extra)}"}}`,
        );
        const headers = {
          'content-type': 'application/json',
          ...(r.sign ? signSvixDelivery(secret, body.toString('utf8'), { svixId }) : {}),
        };
        return { category: 'oversize', svixId, headers, body, signed: false, oversize: true };
      }
    }
  }
}

function plain(
  category: string,
  svixId: string,
  headers: Record<string, string>,
  body: Buffer,
): HostileRequest {
  return { category, svixId, headers, body, signed: false, oversize: body.length > LIMIT };
}

export const TOKEN_KINDS = [
  'api-key',
  'm2m-token',
  'oauth-token',
  'oauth-jwt',
  'm2m-jwt',
  'forged-jwt',
  'huge-jwt',
  'junk',
] as const;

/**
 * Bearer tokens a hostile client sends to /api/v1: every kind Clerk's SDK would verify over the network
 * (API keys, M2M and OAuth tokens, as opaque strings or JWTs) and JWT-shaped junk.
 */
export function hostileTokens(
  count: number,
  seed: number,
): Array<{ kind: (typeof TOKEN_KINDS)[number]; authorization: string }> {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = (header: object, payload: object) => `${b64(header)}.${b64(payload)}.c2lnbmF0dXJl`;
  const exp = Math.floor(Date.now() / 1000) + 600;
  const token = fc.record({
    kind: fc.constantFrom(...TOKEN_KINDS),
    tail: fc.string({
      unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
      minLength: 1,
      maxLength: 40,
    }),
    sub: fc.oneof(fc.constant('user_1'), fc.string({ maxLength: 300 })),
  });
  return fc.sample(token, { seed, numRuns: count }).map(({ kind, tail, sub }) => {
    const value = (() => {
      switch (kind) {
        case 'api-key':
          return `ak_${tail}`;
        case 'm2m-token':
          return `mt_${tail}`;
        case 'oauth-token':
          return `oat_${tail}`;
        case 'oauth-jwt':
          return jwt({ alg: 'RS256', typ: 'at+jwt', kid: `ins_${tail}` }, { sub, exp });
        case 'm2m-jwt':
          return jwt({ alg: 'RS256', typ: 'JWT', kid: `ins_${tail}` }, { sub: `mch_${tail}`, exp });
        case 'forged-jwt':
          return jwt({ alg: 'RS256', typ: 'JWT', kid: `ins_${tail}` }, { sub, exp, iat: exp - 600 });
        case 'huge-jwt':
          // Over the 8 KiB a session token can be, under Node's 16 KiB header limit.
          return jwt({ alg: 'RS256', typ: 'JWT' }, { sub, pad: tail.repeat(Math.ceil(9_000 / tail.length)) });
        case 'junk':
          return `${tail}.${tail}`;
      }
    })();
    return { kind, authorization: `Bearer ${value}` };
  });
}

/**
 * Starts a signed-looking upload announcing 64 KiB, sends a part, then goes away: a TCP reset or a
 * half-close. Resolves true once the socket is closed.
 */
export function abandonUpload(baseUrl: string, svixId: string, how: 'reset' | 'end'): Promise<boolean> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST /api/webhooks/clerk HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\n` +
          `content-length: 65536\r\nsvix-id: ${svixId}\r\nsvix-timestamp: ${Math.floor(Date.now() / 1000)}\r\n` +
          'svix-signature: v1,AAAA\r\n\r\n{"type":"user.created","data":{"id":"user_abandoned"',
      );
      setTimeout(() => {
        if (how === 'reset') return void socket.resetAndDestroy();
        socket.end();
        setTimeout(() => socket.destroy(), 200);
      }, 20);
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(true));
    setTimeout(() => {
      socket.destroy();
    }, 5_000);
  });
}
