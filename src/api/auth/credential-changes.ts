/**
 * "The credentials of user X changed" (an API key revoked, a role changed), published on one Redis
 * channel so every API replica re-checks that user's open sockets at once instead of at its next
 * periodic re-check. The message carries only the user id: each replica reads the truth from the
 * database, so a lost or forged message can at most cause one extra re-check.
 */
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { credentialsChannel } from '../../redis/keys.js';

const messageSchema = z.object({ userId: z.uuid() });

export async function publishCredentialChange(redis: Redis, namespace: string, userId: string): Promise<void> {
  await redis.publish(credentialsChannel(namespace), JSON.stringify({ userId }));
}

/** The user id of a message on the credentials channel, or undefined for anything else. */
export function parseCredentialChange(message: string): string | undefined {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data.userId : undefined;
  } catch {
    return undefined;
  }
}
