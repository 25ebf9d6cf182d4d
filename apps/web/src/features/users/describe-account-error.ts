import { ApiError } from '../../lib/api-client.ts';

export interface AccountErrorDescription {
  title: string;
  message: string;
  /** What the user can do: try again, sign in again (401) or sign out (410, deleted account). */
  action: 'retry' | 'sign-in' | 'sign-out';
}

/** Turns a failed sync or profile call into words a person can act on. */
export function describeAccountError(error: unknown, attempts?: number): AccountErrorDescription {
  if (error instanceof ApiError) {
    if (error.status === 410 || error.code === 'user_deleted') {
      return {
        title: 'This account has been deleted',
        message:
          'The account you signed in with was deleted, so it can’t be used here any more. ' +
          'If you think this is a mistake, contact your administrator.',
        action: 'sign-out',
      };
    }
    if (error.status === 401) {
      return {
        title: 'Your session has ended',
        message: 'We couldn’t confirm who you are. Sign in again to continue.',
        action: 'sign-in',
      };
    }
    const tried = attempts && attempts > 1 ? ` We tried ${attempts} times.` : '';
    if (error.kind === 'network') {
      return {
        title: 'We couldn’t reach usersync',
        message: `Check your internet connection, then try again.${tried}`,
        action: 'retry',
      };
    }
    if (error.isTransient) {
      return {
        title: 'usersync is temporarily unavailable',
        message: `Our servers are busy or being updated. Your account is safe — try again in a moment.${tried}`,
        action: 'retry',
      };
    }
    return {
      title: 'Something went wrong',
      message: `${error.message} (error ${error.status})`,
      action: 'retry',
    };
  }
  return {
    title: 'Something went wrong',
    message: 'An unexpected error stopped us from loading your account. Try again.',
    action: 'retry',
  };
}
