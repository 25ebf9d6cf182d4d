import { readFileSync } from 'node:fs';
import pg from 'pg';
const url = readFileSync('/tmp/lone/pg.url', 'utf8').trim();
const text = readFileSync('/tmp/lone/unified.sql', 'utf8');
const cs = await Promise.all([0, 1, 2].map(async () => { const c = new pg.Client({ connectionString: url }); await c.connect(); return c; }));
const lone = (c: pg.Client, svix: string, id: string, v: number) => c.query({ name: 'u', text, values: [svix, 'clerk', 'user.updated', id, '{}', 'member', id, `${v}@x.example`, false, `v${v}`, null, null, null, null, false, '{}', null, new Date(1e12).toISOString(), new Date(1e12 + v * 1000).toISOString(), `${v}@x.example`, true, null, null] }).then((r) => r.rows[0].status);
let bad = 0; let retries = 0;
for (let i = 0; i < Number(process.argv[2] ?? 300); i++) {
  const id = `user_race_${i}_${Date.now()}`;
  await lone(cs[0]!, `m${id}a`, id, 1);
  const out = await Promise.all([lone(cs[1]!, `m${id}b`, id, 2), lone(cs[2]!, `m${id}c`, id, 3), lone(cs[0]!, `m${id}d`, id, 4)]);
  retries += out.filter((s) => s === 'retry').length;
  const row = (await cs[0]!.query('SELECT first_name FROM users WHERE clerk_id = $1', [id])).rows[0];
  if (row.first_name !== 'v4' && !out.includes('retry')) { bad++; console.log('BAD', i, out, row); }
}
console.log({ bad, retries });
for (const c of cs) await c.end();
