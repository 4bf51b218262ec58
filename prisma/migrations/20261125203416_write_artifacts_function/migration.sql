-- zekka_write_artifacts: an agent's whole output written in one round trip and one transaction.
-- Written by hand (Prisma's schema language has no functions); src/engine/workspace/artifact-store.ts
-- documents the rules it applies. Each element of p_files is
-- {"path", "content", "sha256", "baseVersion" (null for a new file), "fenceToken"}; one row comes
-- back per file with its outcome:
--   written   the file advanced to file_version
--   unchanged this author already wrote this content in this stage (a retried job): file_version
--   moved     the file is no longer at baseVersion: file_version and current_content are the current ones
--   stale     a writer with a newer fencing token has written the file since this lock was taken
--   vanished  baseVersion names a file that does not exist
CREATE OR REPLACE FUNCTION zekka_write_artifacts(p_project uuid, p_author text, p_agent_run uuid, p_stage int, p_files jsonb)
RETURNS TABLE (file_path text, outcome text, file_version int, current_content text)
LANGUAGE plpgsql AS $$
DECLARE
  f jsonb;
  cur record;
  v_content text;
  v_hash text;
  v_base int;
  v_token bigint;
  v_created uuid;
  v_now timestamp(3) := timezone('UTC', now());
BEGIN
  FOR f IN SELECT value FROM jsonb_array_elements(p_files) LOOP
    file_path := f->>'path';
    v_content := f->>'content';
    v_hash := f->>'sha256';
    v_base := (f->>'baseVersion')::int;
    v_token := (f->>'fenceToken')::bigint;
    file_version := NULL;
    current_content := NULL;

    SELECT a."id", a."currentVersion", a."lockFence" INTO cur
      FROM "Artifact" a WHERE a."projectId" = p_project AND a."path" = file_path FOR UPDATE;
    IF NOT FOUND THEN
      IF v_base IS NOT NULL THEN
        outcome := 'vanished';
        RETURN NEXT;
        CONTINUE;
      END IF;
      v_created := NULL;
      INSERT INTO "Artifact" ("id", "projectId", "path", "currentVersion", "sha256", "lockFence", "createdAt", "updatedAt")
        VALUES (gen_random_uuid(), p_project, file_path, 1, v_hash, v_token, v_now, v_now)
        ON CONFLICT ("projectId", "path") DO NOTHING
        RETURNING "id" INTO v_created;
      IF v_created IS NOT NULL THEN
        INSERT INTO "ArtifactVersion" ("id", "artifactId", "version", "content", "sha256", "author", "agentRunId", "stage", "createdAt")
          VALUES (gen_random_uuid(), v_created, 1, v_content, v_hash, p_author, p_agent_run, p_stage, v_now);
        outcome := 'written';
        file_version := 1;
        RETURN NEXT;
        CONTINUE;
      END IF;
      -- Another writer created the file between our look and our insert: judge against theirs.
      SELECT a."id", a."currentVersion", a."lockFence" INTO cur
        FROM "Artifact" a WHERE a."projectId" = p_project AND a."path" = file_path FOR UPDATE;
    END IF;

    SELECT v."version" INTO file_version FROM "ArtifactVersion" v
      WHERE v."artifactId" = cur."id" AND v."author" = p_author AND v."sha256" = v_hash AND v."stage" = p_stage LIMIT 1;
    IF file_version IS NOT NULL THEN
      outcome := 'unchanged';
    ELSIF cur."lockFence" > v_token THEN
      outcome := 'stale';
    ELSIF v_base IS DISTINCT FROM cur."currentVersion" THEN
      outcome := 'moved';
      file_version := cur."currentVersion";
      SELECT v."content" INTO current_content FROM "ArtifactVersion" v WHERE v."artifactId" = cur."id" AND v."version" = cur."currentVersion";
    ELSE
      file_version := cur."currentVersion" + 1;
      UPDATE "Artifact" SET "currentVersion" = file_version, "sha256" = v_hash, "lockFence" = v_token, "updatedAt" = v_now WHERE "id" = cur."id";
      INSERT INTO "ArtifactVersion" ("id", "artifactId", "version", "content", "sha256", "author", "agentRunId", "stage", "createdAt")
        VALUES (gen_random_uuid(), cur."id", file_version, v_content, v_hash, p_author, p_agent_run, p_stage, v_now);
      outcome := 'written';
    END IF;
    RETURN NEXT;
  END LOOP;
END;
$$;
