import { z } from "zod";

/** Every row id the API takes: a UUID. Kept apart from api.ts so schemas anywhere can use it without a loop. */
export const id = z.uuid();
