/** The signed-in session and the way out, for every component below the App. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from '../types.js';

export interface SessionValue {
  session: Session;
  signOut: (reason?: string) => void;
}

export const SessionContext = createContext<SessionValue | undefined>(undefined);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}
