/**
 * The dashboard's shell: sign-in when there is no session; otherwise the projects page (`/`) or
 * one project (`/projects/<id>`). Focus moves to the main region on every navigation so keyboard
 * and screen-reader users start at the new content.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { followLink, projectIdOf, usePath } from '../router.js';
import { clearSession, loadSession, saveSession } from '../session.js';
import type { Session } from '../types.js';
import { AuthForm } from './auth-form.js';
import { HomePage } from './home-page.js';
import { ProjectPage } from './project-page.js';
import { SessionContext } from './session-context.js';

export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [notice, setNotice] = useState<string>();
  const path = usePath();
  const main = useRef<HTMLElement>(null);
  const firstRender = useRef(true);

  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    main.current?.focus();
  }, [path, session?.token]);

  const signIn = (next: Session) => {
    saveSession(next);
    setNotice(undefined);
    setSession(next);
  };
  const signOut = (reason?: string) => {
    clearSession();
    setNotice(reason);
    setSession(undefined);
  };
  const projectId = projectIdOf(path);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/" onClick={followLink}>
          Zekka
        </a>
        {session && (
          <nav aria-label="Account">
            <a href="/" onClick={followLink} aria-current={path === '/' ? 'page' : undefined}>
              Projects
            </a>
            <span class="who">{session.email}</span>
            <button type="button" onClick={() => signOut()}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {!session ? (
          <AuthForm notice={notice} onSignedIn={signIn} />
        ) : (
          <SessionContext.Provider value={{ session, signOut }}>{projectId ? <ProjectPage key={projectId} projectId={projectId} /> : <HomePage />}</SessionContext.Provider>
        )}
      </main>
    </>
  );
}
