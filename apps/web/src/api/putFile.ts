/** Where and how the server told the browser to send an upload's bytes. */
export interface UploadTarget {
  url: string;
  method: "PUT";
  headers: Record<string, string>;
}

/**
 * Sends a file's bytes with XMLHttpRequest, the one browser API that reports upload
 * progress. Resolves on a 2xx answer; otherwise rejects with the server's message
 * (`{ "error": { "message" } }`) or a plain description of the failure.
 */
export function putFile(
  target: UploadTarget,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new Error(uploadFailureMessage(xhr)));
      }
    };
    xhr.onerror = () => reject(new Error("The upload was interrupted. Check your connection and try again."));
    xhr.onabort = () => reject(new Error("The upload was cancelled."));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

function uploadFailureMessage(xhr: XMLHttpRequest): string {
  try {
    const body: unknown = JSON.parse(xhr.responseText);
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    if (typeof message === "string" && message) return message;
  } catch {
    // Not our JSON error shape: fall through to the status line.
  }
  return `The upload failed (HTTP ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ""}).`;
}
