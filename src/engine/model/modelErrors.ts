/** Coded errors of the model backends (see SidbotError): callers tell them apart by class or code, never by text. */
import { SidbotError } from "../../errors.js";

/** The model wrote something the constrained decoder cannot accept (it ended inside a SID, or a token outside the grammar). */
export class ModelDecodeError extends SidbotError {
  override name = "ModelDecodeError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_decode_failed", message, options);
  }
}

/** A prompt the model cannot take as given (e.g. a special-token segment that is not one token). */
export class ModelPromptError extends SidbotError {
  override name = "ModelPromptError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_prompt_invalid", message, options);
  }
}

/** The model's child process answered out of protocol, or reported an error with its code. */
export class ModelProcessError extends SidbotError {
  override name = "ModelProcessError";
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A remote model worker failed a job, or answered out of protocol; `code` says which. */
export class RemoteModelError extends SidbotError {
  override name = "RemoteModelError";
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** A request the model cannot serve as asked (e.g. a sub-catalog built for another catalog). */
export class ModelRequestError extends SidbotError {
  override name = "ModelRequestError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_request_invalid", message, options);
  }
}
