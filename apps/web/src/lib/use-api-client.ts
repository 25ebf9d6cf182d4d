import { useAuth } from '@clerk/react';
import { useMemo } from 'react';
import { useAppConfig } from '../app/app-config.tsx';
import { type ApiClient, createApiClient } from './api-client.ts';

/** The API client for the signed-in user: asks Clerk for a fresh session token on every request. */
export function useApiClient(): ApiClient {
  const { getToken } = useAuth();
  const { apiUrl } = useAppConfig();
  return useMemo(() => createApiClient({ getToken: () => getToken(), baseUrl: apiUrl }), [getToken, apiUrl]);
}
