/**
 * The project's files as a folder tree (native <details> folders and file buttons: keyboard and
 * screen readers work without custom key handling) beside a view of the chosen file.
 */
import { useState } from 'preact/hooks';
import { apiJson } from '../api-client.js';
import { artifactUrl, buildTree, fileName, type FolderNode } from '../artifact-tree.js';
import { bytes } from '../format.js';
import type { Artifact, ArtifactContent } from '../types.js';
import { useSession } from './session-context.js';
import { useApiData, useErrorMessage } from './use-api-data.js';

export function ArtifactBrowser({ projectId, revision }: { projectId: string; revision: number }) {
  const { session } = useSession();
  const messageOf = useErrorMessage();
  const list = useApiData<{ items: Artifact[] }>(`/api/projects/${projectId}/artifacts`, revision);
  const [selected, setSelected] = useState<string>();
  const [file, setFile] = useState<ArtifactContent>();
  const [error, setError] = useState<string>();
  const items = list.data?.items ?? [];

  const open = async (path: string) => {
    setSelected(path);
    setError(undefined);
    try {
      setFile(await apiJson<ArtifactContent>(artifactUrl(projectId, path), { token: session.token }));
    } catch (caught) {
      setFile(undefined);
      setError(messageOf(caught));
    }
  };

  return (
    <section class="card" aria-labelledby="files-title" aria-busy={list.loading}>
      <h2 id="files-title">Files ({items.length})</h2>
      {list.error && <p class="error">{list.error}</p>}
      {!list.loading && items.length === 0 && <p>No files yet.</p>}
      {items.length > 0 && (
        <div class="files">
          <nav aria-label="File tree" class="tree">
            <Folder node={buildTree(items)} selected={selected} onOpen={(path) => void open(path)} root />
          </nav>
          <section class="file-view" aria-labelledby="file-title">
            {!selected && <p id="file-title">Choose a file to view it.</p>}
            {selected && <h3 id="file-title">{selected}</h3>}
            {error && <p class="error">{error}</p>}
            {file && file.path === selected && (
              <>
                <p class="muted">
                  version {file.version} · {bytes(file.bytes)} · written by {file.author} in stage {file.stage}
                </p>
                <pre class="file" tabIndex={0} aria-label={`Content of ${file.path}`}>
                  {file.content}
                </pre>
              </>
            )}
          </section>
        </div>
      )}
    </section>
  );
}

function Folder({ node, selected, onOpen, root = false }: { node: FolderNode; selected: string | undefined; onOpen: (path: string) => void; root?: boolean }) {
  const entries = (
    <ul>
      {node.folders.map((folder) => (
        <li key={folder.path}>
          <Folder node={folder} selected={selected} onOpen={onOpen} />
        </li>
      ))}
      {node.files.map((artifact) => (
        <li key={artifact.path}>
          <button type="button" class="file-link" aria-current={artifact.path === selected ? 'true' : undefined} onClick={() => onOpen(artifact.path)} title={artifact.path}>
            {fileName(artifact.path)}
          </button>
        </li>
      ))}
    </ul>
  );
  if (root) return entries;
  return (
    <details open={selected?.startsWith(`${node.path}/`) || node.path.split('/').length === 1}>
      <summary>{node.name}/</summary>
      {entries}
    </details>
  );
}
