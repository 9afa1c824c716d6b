import "server-only";
import { orm } from "../db/client";
import { deleteUserKey, findUserKey, listUserKeys, saveUserKey, type StoredKeyInfo } from "../db/queries";
import { decodeKey, env } from "../env";
import { AppError } from "../errors";
import { log } from "../log";
import { open, seal, SealError } from "./seal";

/**
 * Provider keys a user asked Tessera to keep: sealed with KEYS_ENCRYPTION_KEY before they reach the
 * database, opened only to make that user's model call, shown only as their last 4 characters.
 */

export const KEYS_DISABLED_MESSAGE = "This server does not keep API keys (its operator has not set KEYS_ENCRYPTION_KEY). Paste your key for each request instead.";

function encryptionKey(): Uint8Array | null {
  const text = env().KEYS_ENCRYPTION_KEY;
  return text ? decodeKey(text) : null;
}

export const keysEnabled = (): boolean => encryptionKey() !== null;

export async function saveKey(userId: string, provider: string, apiKey: string): Promise<StoredKeyInfo> {
  const key = encryptionKey();
  if (!key) throw new AppError("unavailable:keys", KEYS_DISABLED_MESSAGE);
  const sealed = seal(key, userId, provider, apiKey);
  const db = await orm();
  await saveUserKey(db, userId, { provider, ...sealed, last4: apiKey.slice(-4) });
  return (await listUserKeys(db, userId)).find((k) => k.provider === provider)!;
}

export async function listKeys(userId: string): Promise<StoredKeyInfo[]> {
  return listUserKeys(await orm(), userId);
}

export async function deleteKey(userId: string, provider: string): Promise<boolean> {
  return deleteUserKey(await orm(), userId, provider);
}

/** The user's kept key for a provider, opened for one request; undefined when there is none. */
export async function keptKey(userId: string, provider: string): Promise<string | undefined> {
  const key = encryptionKey();
  if (!key) return undefined;
  const stored = await findUserKey(await orm(), userId, provider);
  if (!stored) return undefined;
  try {
    return open(key, userId, provider, stored);
  } catch (err) {
    if (!(err instanceof SealError)) throw err;
    // Never the key itself: only that it could not be used, and why.
    log().warn({ provider, reason: err.reason }, "a kept API key could not be opened");
    throw new AppError(
      "bad_request:validation",
      err.reason === "rotated"
        ? `Your saved ${provider} key was sealed under an encryption key this server no longer has. Save it again in Settings.`
        : `Your saved ${provider} key could not be read. Delete it and save it again in Settings.`,
    );
  }
}
