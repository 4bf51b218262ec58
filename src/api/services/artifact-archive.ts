/**
 * All of a project's current files as one `.tar.gz` or `.zip`, streamed to the response under a
 * folder named after the project. Paths were checked when written (workspace-paths.ts); anything
 * absolute or with `..` is still skipped here, so an archive never extracts outside its folder.
 */
import type { Response } from 'express';
import { TarArchive, ZipArchive } from 'archiver';
import type { ArtifactStore } from '../../engine/workspace/artifact-store.js';

export type ArchiveFormat = 'tar.gz' | 'zip';

export function archiveFolderName(projectName: string, projectId: string): string {
  const slug = projectName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return slug || `project-${projectId.slice(0, 8)}`;
}

const safeEntry = (path: string) => !path.startsWith('/') && !path.split('/').includes('..') && !path.includes('\\');

export async function sendArchive(res: Response, store: ArtifactStore, project: { id: string; name: string }, format: ArchiveFormat): Promise<void> {
  const files = await store.snapshot(project.id);
  const folder = archiveFolderName(project.name, project.id);
  const archive = format === 'zip' ? new ZipArchive({ zlib: { level: 6 } }) : new TarArchive({ gzip: true, gzipOptions: { level: 6 } });
  res.status(200);
  res.type(format === 'zip' ? 'application/zip' : 'application/gzip');
  res.attachment(`${folder}.${format}`);
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('error', reject);
    res.on('close', resolve);
    res.on('finish', resolve);
  });
  archive.pipe(res);
  for (const file of files) {
    if (safeEntry(file.path)) archive.append(file.content, { name: `${folder}/${file.path}` });
  }
  await archive.finalize();
  await finished.catch((error: unknown) => {
    res.destroy(error instanceof Error ? error : new Error(String(error)));
  });
}
