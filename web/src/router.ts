/** Paths in the address bar without a router library: history.pushState and popstate. */
import { useEffect, useState } from 'preact/hooks';

const CHANGE = 'zekka:navigate';

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.dispatchEvent(new Event(CHANGE));
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return path;
}

/** onClick of an in-app link: a plain click navigates here; modified clicks (new tab…) stay the browser's. */
export function followLink(event: MouseEvent): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const anchor = event.currentTarget as HTMLAnchorElement;
  event.preventDefault();
  navigate(anchor.pathname);
}

export const projectPath = (id: string) => `/projects/${id}`;

export function projectIdOf(path: string): string | undefined {
  return /^\/projects\/([0-9a-f-]{36})\/?$/i.exec(path)?.[1];
}
