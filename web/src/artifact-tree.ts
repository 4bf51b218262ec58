/** Flat artifact paths (`src/server/app.ts`) → a folder tree, folders first, each level sorted. */
import type { Artifact } from './types.js';

export interface FolderNode {
  name: string;
  path: string;
  folders: FolderNode[];
  files: Artifact[];
}

export function buildTree(artifacts: readonly Artifact[]): FolderNode {
  const root: FolderNode = { name: '', path: '', folders: [], files: [] };
  for (const artifact of artifacts) {
    const parts = artifact.path.split('/');
    let folder = root;
    for (const part of parts.slice(0, -1)) {
      let next = folder.folders.find((f) => f.name === part);
      if (!next) {
        next = { name: part, path: folder.path ? `${folder.path}/${part}` : part, folders: [], files: [] };
        folder.folders.push(next);
      }
      folder = next;
    }
    folder.files.push(artifact);
  }
  const sort = (folder: FolderNode) => {
    folder.folders.sort((a, b) => a.name.localeCompare(b.name));
    folder.files.sort((a, b) => a.path.localeCompare(b.path));
    folder.folders.forEach(sort);
  };
  sort(root);
  return root;
}

export const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** The API path of one file; each segment escaped, the slashes kept. */
export function artifactUrl(projectId: string, path: string): string {
  return `/api/projects/${projectId}/artifacts/${path.split('/').map(encodeURIComponent).join('/')}?format=json`;
}
