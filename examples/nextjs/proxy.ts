import { clerkMiddleware } from '@clerk/nextjs/server';

// Clerk reads the session (cookie or Authorization: Bearer) on every request; pages decide what needs it.
export default clerkMiddleware();

export const config = {
  matcher: ['/((?!_next|.*\\..*).*)', '/(api|trpc)(.*)'],
};
