/** What the CLI shows while a file moves through its steps: a bar on a terminal, plain lines otherwise. */
export interface ProgressView {
  fileStarted(label: string): void;
  stepStarted(label: string, step: string, index: number, total: number): void;
  progress(label: string, fraction: number, note?: string): void;
  fileFinished(label: string, summary: string): void;
  fileFailed(label: string, message: string): void;
}

const barWidth = 24;

export function createProgressView(
  stream: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean; columns?: number }),
): ProgressView {
  return stream.isTTY ? new TtyView(stream as NodeJS.WriteStream) : new PlainView(stream);
}

class TtyView implements ProgressView {
  private step = "";
  private position = "";

  constructor(private readonly out: NodeJS.WriteStream) {}

  fileStarted(): void {}

  stepStarted(label: string, step: string, index: number, total: number): void {
    this.step = step;
    this.position = `${index + 1}/${total}`;
    this.draw(label, 0);
  }

  progress(label: string, fraction: number, note?: string): void {
    this.draw(label, fraction, note);
  }

  fileFinished(label: string, summary: string): void {
    this.line(`✔ ${label}  ${summary}\n`);
  }

  fileFailed(label: string, message: string): void {
    this.line(`✖ ${label}  ${message}\n`);
  }

  private draw(label: string, fraction: number, note?: string): void {
    const filled = Math.round(fraction * barWidth);
    const bar = `${"█".repeat(filled)}${"░".repeat(barWidth - filled)}`;
    const pct = `${Math.round(fraction * 100)}`.padStart(3);
    this.line(
      `${label}  [${this.position}] ${this.step.padEnd(17)} ${bar} ${pct}%${note ? `  ${note}` : ""}`,
    );
  }

  private line(text: string): void {
    const columns = this.out.columns || 100;
    const body = text.endsWith("\n") ? text.slice(0, -1) : text;
    this.out.write(`\r\x1b[2K${body.slice(0, columns - 1)}${text.endsWith("\n") ? "\n" : ""}`);
  }
}

/** One line per step start, every quarter, and the end: readable in CI logs and pipes. */
class PlainView implements ProgressView {
  private quarter = 0;
  private step = "";

  constructor(private readonly out: NodeJS.WritableStream) {}

  fileStarted(label: string): void {
    this.out.write(`${label}: started\n`);
  }

  stepStarted(label: string, step: string, index: number, total: number): void {
    this.quarter = 0;
    this.step = step;
    this.out.write(`${label}: step ${index + 1}/${total} ${step}\n`);
  }

  progress(label: string, fraction: number): void {
    const quarter = Math.floor(fraction * 4);
    if (quarter > this.quarter && quarter < 4) {
      this.quarter = quarter;
      this.out.write(`${label}: ${this.step} ${quarter * 25}%\n`);
    }
  }

  fileFinished(label: string, summary: string): void {
    this.out.write(`${label}: done, ${summary}\n`);
  }

  fileFailed(label: string, message: string): void {
    this.out.write(`${label}: failed, ${message}\n`);
  }
}
