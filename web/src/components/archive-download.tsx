/**
 * The whole project as one archive. The API wants the token in a header, which a plain link cannot
 * send: fetch it, then hand the browser the bytes as a blob download.
 */
import { useState } from 'preact/hooks';
import { apiBlob } from '../api-client.js';
import { bytes } from '../format.js';
import { useSession } from './session-context.js';
import { useErrorMessage } from './use-api-data.js';

type Format = 'tar.gz' | 'zip';

export function ArchiveDownload({ projectId }: { projectId: string }) {
  const { session } = useSession();
  const messageOf = useErrorMessage();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();

  const download = async (format: Format) => {
    setBusy(true);
    setMessage(`Preparing the ${format} archive…`);
    try {
      const { blob, filename } = await apiBlob(`/api/projects/${projectId}/archive?format=${format}`, { token: session.token });
      const url = URL.createObjectURL(blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = filename ?? `project.${format}`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage(`Downloaded ${anchor.download} (${bytes(blob.size)}).`);
    } catch (error) {
      setMessage(`Download failed: ${messageOf(error)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" aria-labelledby="archive-title">
      <h2 id="archive-title">Archive</h2>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => void download('tar.gz')}>
          Download .tar.gz
        </button>
        <button type="button" disabled={busy} onClick={() => void download('zip')}>
          Download .zip
        </button>
      </div>
      <p role="status">{message}</p>
    </section>
  );
}
