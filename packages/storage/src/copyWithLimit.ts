import type { Readable, Writable } from "node:stream";
import { AppError } from "@atelier/shared";

/**
 * Copies `source` into `sink` and resolves with the byte count once the sink has
 * flushed. Past `maxBytes` it rejects with FILE_TOO_LARGE at once, without writing
 * the chunk that crossed the limit. The source is paused, never destroyed: an HTTP
 * request must stay open so the caller can still answer 413.
 */
export function copyWithLimit(source: Readable, sink: Writable, maxBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let settled = false;

    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      source.off("data", onData).off("end", onEnd).off("error", settle).off("close", onClose);
      sink.off("finish", onFinish).off("error", settle);
      if (err) reject(err);
      else resolve(bytes);
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        source.pause();
        settle(
          new AppError(
            "FILE_TOO_LARGE",
            `The upload is larger than the ${maxBytes} bytes it was signed for.`,
            {
              maxBytes,
            },
          ),
        );
        return;
      }
      if (!sink.write(chunk)) {
        source.pause();
        sink.once("drain", () => {
          if (!settled) source.resume();
        });
      }
    };
    const onEnd = () => sink.end();
    const onClose = () => {
      if (!source.readableEnded) {
        settle(new AppError("CANCELLED", "The upload was interrupted before it finished.", { bytes }));
      }
    };
    const onFinish = () => settle();

    source.on("data", onData).on("end", onEnd).on("error", settle).on("close", onClose);
    sink.on("finish", onFinish).on("error", settle);
  });
}
