/**
 * How much one request may ask of the server. Each bound is checked before the work it limits:
 * a body's declared length before a byte is read, a batch's size before any call runs, a frame's
 * size by `ws` while it arrives.
 */

/** Largest tRPC request body over HTTP, and largest WebSocket frame. Inputs are small JSON; uploads go to storage. */
export const MAX_RPC_BODY_BYTES = 1024 * 1024;

/** Most calls in one HTTP batch or one WebSocket frame; the web app's client batches at most half of it. */
export const MAX_BATCH_SIZE = 50;
