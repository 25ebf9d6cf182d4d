import { clerkMiddleware } from '@clerk/nextjs/server';

// Clerk reads the session (cookie or Authorization: Bearer) on every request; pages decide what needs it.
// With the instance's JWT public key, session tokens are verified with no network call; @clerk/nextjs 7
// does not read CLERK_JWT_KEY by itself, so it is passed here (without it, Clerk's JWKS is fetched).
export default clerkMiddleware({ jwtKey: process.env.CLERK_JWT_KEY });

export const config = {
  matcher: ['/((?!_next|.*\\..*).*)', '/(api|trpc)(.*)'],
};
