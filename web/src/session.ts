/**
 * The signed-in user's access token, kept in sessionStorage: it lives as long as the tab and is
 * never sent anywhere but this origin's API (as a Bearer header and in the /ws handshake).
 */
import type { Session } from './types.js';

const KEY = 'zekka.session';

export function loadSession(): Session | undefined {
  try {
    const parsed = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return parsed && typeof parsed.token === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
