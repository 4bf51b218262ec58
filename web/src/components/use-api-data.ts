/**
 * GETs one API resource and re-reads it when `revision` changes. A 401 signs the user out (the
 * token expired); any other failure is kept as a message for the component to show.
 */
import { useEffect, useState } from 'preact/hooks';
import { apiJson, ApiError } from '../api-client.js';
import { useSession } from './session-context.js';

export interface ApiData<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

export function useApiData<T>(path: string, revision: unknown = 0): ApiData<T> {
  const { session, signOut } = useSession();
  const [state, setState] = useState<ApiData<T>>({ data: undefined, error: undefined, loading: true });
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    apiJson<T>(path, { token: session.token }).then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (!current) return;
        if (error instanceof ApiError && error.status === 401) return signOut('Your session has ended: sign in again.');
        setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error), loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [path, revision, session.token]);
  return state;
}

/** Turns a thrown value into the message a form shows, signing out on 401. */
export function useErrorMessage(): (error: unknown) => string {
  const { signOut } = useSession();
  return (error) => {
    if (error instanceof ApiError && error.status === 401) signOut('Your session has ended: sign in again.');
    return error instanceof Error ? error.message : String(error);
  };
}
