// `npm start` in this folder: the example on PORT (default 4000), configured from the environment.
import { buildExampleApp } from './app.ts';

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (see examples/own-backend/README.md)`);
  return value;
};

const { app } = await buildExampleApp({
  databaseUrl: process.env.DATABASE_URL,
  webhookSigningSecret: required('CLERK_WEBHOOK_SIGNING_SECRET'),
  clerkSecretKey: required('CLERK_SECRET_KEY'),
  clerkJwtKey: required('CLERK_JWT_KEY').replace(/\\n/g, '\n'),
});
await app.listen({ port: Number(process.env.PORT ?? 4000), host: '127.0.0.1' });
console.log(`example backend on http://127.0.0.1:${process.env.PORT ?? 4000}`);
