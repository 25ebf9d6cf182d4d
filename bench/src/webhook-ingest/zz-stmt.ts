import { readFileSync } from 'node:fs';
import pg from 'pg';
const url = readFileSync('/tmp/lone/pg.url', 'utf8').trim();
const lone = readFileSync(process.env.LONE ?? '/tmp/lone/lone.sql', 'utf8');
const n = Number(process.argv[2] ?? 2000);
const c = new pg.Client({ connectionString: url });
await c.connect();
await c.query('CREATE TABLE IF NOT EXISTS base_users (clerk_id text PRIMARY KEY, email text, first_name text, last_name text, image_url text, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())');
if (process.env.GENERIC) await c.query('SET plan_cache_mode = force_generic_plan');
const pid = (await c.query('SELECT pg_backend_pid() AS p')).rows[0].p;
const cpu = () => { const s = readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const payload = JSON.stringify({ type: 'user.created', object: 'event', data: { id: 'x', first_name: 'A'.repeat(40), email_addresses: [{ id: 'e', email_address: 'a@example.com', verification: { status: 'verified' } }], public_metadata: {}, private_metadata: {}, unsafe_metadata: {}, x: 'y'.repeat(900) } });
let run = 0;
const kinds: Record<string, (i: number, id: string) => Promise<unknown>> = {
  base: (i, id) => c.query({ name: 'base', text: `INSERT INTO base_users (clerk_id, email, first_name, last_name, image_url) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (clerk_id) DO UPDATE SET email = EXCLUDED.email, first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name, image_url = EXCLUDED.image_url, updated_at = now()`, values: [id, `${id}@example.com`, 'A', 'B', 'https://img/x'] }),
  lone: (i, id) => c.query({ name: 'lone', text: lone, values: [`msg_${id}`, 'clerk', 'user.created', id, payload, 'member', id, `${id}@example.com`, true, 'A', 'B', null, 'https://img/x', null, false, '{}', null, new Date().toISOString(), new Date().toISOString(), `${id}@example.com`, true, null, null] }),
  group: (i, id) => c.query({ name: 'group', text: process.env.OLDGROUP ? 'SELECT ordinal, status, reason, user_id FROM usersync_apply_clerk_deliveries($1::jsonb, $2::jsonb)' : lone, values: [...(process.env.OLDGROUP ? [] : new Array(20).fill(null)), ...(process.env.OLDGROUP ? [] : [false]), JSON.stringify([{ svix_id: `msg_${id}`, source: 'clerk', type: 'user.created', clerk_user_id: id, payload: JSON.parse(payload), lock_key: `usersync:user:${id}`, lock_keys: null, kind: 'user.upsert', data: { clerk_id: id, email: `${id}@example.com`, email_verified: true, first_name: 'A', last_name: 'B', username: null, image_url: 'https://img/x', phone_number: null, phone_verified: false, public_metadata: {}, last_sign_in_at: null, clerk_created_at: new Date().toISOString(), clerk_updated_at: new Date().toISOString(), email_lower: `${id}@example.com` }, status: null, reason: null }]), '{"default_role":"member","delete_mode":"soft"}'] }),
};
const order = (process.argv[3] ?? 'base,lone,group').split(',');
const kindsLone2 = readFileSync(process.env.LONE2 ?? '/tmp/lone/lone.sql', 'utf8');
kinds.lone2 = (i, id) => c.query({ name: 'lone2', text: kindsLone2, values: [`msg_${id}`, 'clerk', 'user.created', id, payload, 'member', id, `${id}@example.com`, true, 'A', 'B', null, 'https://img/x', null, false, '{}', null, new Date().toISOString(), new Date().toISOString(), `${id}@example.com`] });
const best: Record<string, number> = {};
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
  for (const k of order) {
    run++;
    for (let i = 0; i < 50; i++) await kinds[k]!(i, `user_w${run}_${i}_${Date.now()}`);
    const c0 = cpu(); const t0 = performance.now();
    for (let i = 0; i < n; i++) await kinds[k]!(i, `user_${k}${run}_${i}_${Date.now() % 100000}`);
    const ms = performance.now() - t0;
    const us = (cpu() - c0) / n * 1000;
    best[k] = Math.min(best[k] ?? Infinity, us);
    console.log(`${k.padEnd(6)} backend CPU ${us.toFixed(0)} µs/stmt, wall ${(ms / n * 1000).toFixed(0)} µs/stmt`);
  }
}
console.log('best', JSON.stringify(best));
console.log((await c.query('SELECT name, generic_plans, custom_plans FROM pg_prepared_statements')).rows);
await c.end();
