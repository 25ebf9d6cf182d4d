// Seeded generators of hostile webhook requests for the hostile-input fault suite. Each request says
// whether it is correctly signed (and so may leave an `invalid` row) or not (and must leave nothing).
import {
  sampleClerkEvent,
  sampleClerkOrganization,
  sampleClerkOrganizationInvitation,
  sampleClerkOrganizationMembership,
  sampleClerkUser,
} from '@usersync/core/clerk';
import { signSvixDelivery, testWebhookSecret } from '@usersync/testing';
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
            permissions: notString ?? 'x',
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
  | { kind: 'invalid-utf8'; body: string; ct: string | null }
  | { kind: 'oversize'; extra: number; sign: boolean };

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
          // An empty Content-Type header is refused (415) before the body is read: nothing is recorded.
          signed: body.length <= LIMIT && r.ct !== '',
          oversize: false,
        };
      }
      case 'invalid-utf8': {
        // Bytes that are not UTF-8 inside the JSON; the API verifies and reads the body decoded as UTF-8.
        const body = Buffer.concat([
          Buffer.from(r.body.slice(0, 20)),
          Buffer.from([0xff, 0xfe, 0xc3]),
          Buffer.from(r.body.slice(20)),
        ]);
        const headers = { ...withType(r.ct), ...signSvixDelivery(secret, body.toString('utf8'), { svixId }) };
        return {
          category: 'signed-invalid-utf8',
          svixId,
          headers,
          body,
          signed: r.ct !== '',
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
