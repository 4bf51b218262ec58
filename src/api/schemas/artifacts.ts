/** Schemas of a project's artifacts (the generated files). */
import { z } from 'zod';
import { queryInt, timestamp, uuid } from './common.js';

export const artifactSchema = z
  .object({ path: z.string(), version: z.number().int(), sha256: z.string(), bytes: z.number().int(), updatedAt: timestamp })
  .meta({ id: 'Artifact' });

export const artifactListSchema = z.object({ items: z.array(artifactSchema) }).meta({ id: 'ArtifactList' });

export const artifactParams = z
  .object({ id: uuid('project id'), path: z.string().min(1).max(300).meta({ description: 'the file path inside the project, slashes included' }) })
  .strict();

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const artifactQuery = z.object({
  version: queryInt(1).optional().meta({ description: 'an earlier version (default: the current one)' }),
  download: flag.optional().meta({ description: 'answer as an attachment' }),
  format: z.enum(['raw', 'json']).default('raw').meta({ description: '`raw`: the file itself (text/plain, or application/json for .json); `json`: content with metadata' }),
});

export const artifactContentSchema = artifactSchema
  .omit({ updatedAt: true })
  .extend({ content: z.string(), author: z.string(), stage: z.number().int(), createdAt: timestamp })
  .meta({ id: 'ArtifactContent' });

export const archiveQuery = z.object({ format: z.enum(['tar.gz', 'zip']).default('tar.gz') });
