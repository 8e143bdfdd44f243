/** Short user-facing texts for errors, by error code; never the raw error message. */
import { SidbotError } from "../errors.js";

const BY_CODE: Readonly<Record<string, string>> = {
  model_unavailable: "The recommendation model is restarting — please try again in a moment.",
  catalog_invalid: "My game catalog isn't available right now — please tell the bot's admin.",
  model_load_failed: "The recommendation model isn't available right now — answers come from the catalog.",
};

export const GENERIC_ERROR = "Something went wrong on my side — please try again in a moment.";

export function userMessageFor(error: unknown): string {
  if (error instanceof SidbotError) return BY_CODE[error.code] ?? GENERIC_ERROR;
  return GENERIC_ERROR;
}
