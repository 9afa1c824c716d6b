import { CHAT_LIMITS, IMAGE_TYPES } from "@/app/api/chat/schema";
import type { ImageAttachment } from "@/components/builder/types";

/**
 * Image attachments, checked in the browser with the server's own caps so a refusal comes at once
 * and names the file; the server checks again (and sniffs the bytes) regardless.
 */

export const MAX_IMAGES = CHAT_LIMITS.maxImagesPerMessage;
export const MAX_IMAGE_BYTES = CHAT_LIMITS.maxImageBytes;
export const ACCEPTED_IMAGE_TYPES = IMAGE_TYPES.join(",");

type ImageType = ImageAttachment["mediaType"];
const isImageType = (t: string): t is ImageType => (IMAGE_TYPES as readonly string[]).includes(t);

export interface FileLike {
  name: string;
  type: string;
  size: number;
}

export interface AttachmentCheck<F extends FileLike> {
  accepted: F[];
  /** One sentence per refused file, naming it. */
  errors: string[];
}

export function checkImageFiles<F extends FileLike>(files: readonly F[], alreadyAttached: number): AttachmentCheck<F> {
  const accepted: F[] = [];
  const errors: string[] = [];
  for (const file of files) {
    if (!isImageType(file.type)) {
      errors.push(`“${file.name}” is not a PNG, JPEG, WebP or GIF image.`);
    } else if (file.size > MAX_IMAGE_BYTES) {
      errors.push(`“${file.name}” is larger than ${MAX_IMAGE_BYTES / 1048576} MB; images are capped at ${MAX_IMAGE_BYTES / 1048576} MB each.`);
    } else if (alreadyAttached + accepted.length >= MAX_IMAGES) {
      errors.push(`“${file.name}” was not added: a message holds at most ${MAX_IMAGES} images.`);
    } else {
      accepted.push(file);
    }
  }
  return { accepted, errors };
}

/** Base64 of a file's bytes, without a data: prefix (what POST /api/chat takes). */
export async function fileToAttachment(file: File): Promise<ImageAttachment> {
  if (!isImageType(file.type)) throw new Error(`“${file.name}” is not a supported image.`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  // Chunked: String.fromCharCode(...bytes) overflows the stack for a few MB.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { mediaType: file.type, data: btoa(binary), name: file.name };
}

export const attachmentSrc = (image: ImageAttachment): string => `data:${image.mediaType};base64,${image.data}`;
