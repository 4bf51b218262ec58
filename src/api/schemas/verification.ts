/** Schemas of a project's verification: the rounds its software was run through, and the latest. */
import { z } from 'zod';
import { optionalTimestamp, timestamp } from './common.js';

const VERIFICATION_STATUSES = ['running', 'passed', 'failed', 'unverifiable'] as const;

const testCountsSchema = z.object({ passed: z.number().int(), failed: z.number().int(), skipped: z.number().int() }).meta({ id: 'TestCounts' });

export const verificationCommandSchema = z
  .object({
    phase: z.enum(['dependencies', 'install', 'build', 'test']),
    label: z.string().meta({ example: 'npm ci' }),
    exitCode: z.number().int().nullable().meta({ description: 'null when the command was not run (an earlier one failed)' }),
    passed: z.boolean(),
    skipped: z.boolean(),
    durationMs: z.number().int(),
    limit: z.enum(['wall-time', 'cpu-time', 'memory', 'processes', 'file-size']).nullable().meta({ description: 'the sandbox limit that stopped it, if any' }),
    tests: testCountsSchema.nullable().meta({ description: 'when the test runner printed its counts' }),
    outputTail: z.string().meta({ description: 'the last few KB of its output' }),
  })
  .meta({ id: 'VerificationCommand' });

const isolationSchema = z
  .object({
    network: z.enum(['cut', 'allowed', 'not-cut']),
    unprivilegedUser: z.boolean(),
    pidNamespace: z.boolean(),
    readOnlyFilesystem: z.boolean(),
    cgroupLimits: z.boolean(),
    missing: z.array(z.string()).meta({ description: 'isolation the host did not allow' }),
  })
  .meta({ id: 'SandboxIsolation' });

export const verificationRoundSchema = z
  .object({
    runId: z.string(),
    round: z.number().int().meta({ description: '0 after the last stage, then one per repair round' }),
    status: z.enum(VERIFICATION_STATUSES),
    profile: z.string().nullable().meta({ description: 'the toolchain profile, e.g. node-typescript; null when the stack has none' }),
    profileName: z.string().nullable(),
    summary: z.string(),
    commands: z.array(verificationCommandSchema),
    missingDependencies: z.array(z.object({ name: z.string(), spec: z.string(), manifest: z.string(), reason: z.string() })),
    isolation: isolationSchema.nullable().meta({ description: 'the sandbox isolation in force; null when nothing ran' }),
    durationMs: z.number().int().nullable(),
    startedAt: timestamp,
    completedAt: optionalTimestamp,
  })
  .meta({ id: 'VerificationRound' });

export const projectVerificationSchema = z
  .object({
    latest: verificationRoundSchema.nullable().meta({ description: 'the newest round; null when the project was never verified' }),
    rounds: z.array(verificationRoundSchema).meta({ description: 'every round, newest run and round first' }),
  })
  .meta({ id: 'ProjectVerification' });

export type VerificationRoundView = z.infer<typeof verificationRoundSchema>;
