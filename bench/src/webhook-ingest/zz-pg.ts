import { startThrowawayPostgres } from '@usersync/testing/database';
import { createMigratedDatabase } from '../databases.ts';
const pgs = await startThrowawayPostgres({ durable: true });
const url = await createMigratedDatabase(pgs.url, 'proto');
console.log(url);
process.on('SIGTERM', () => { pgs.destroy(); process.exit(0); });
setInterval(() => {}, 1 << 30);
