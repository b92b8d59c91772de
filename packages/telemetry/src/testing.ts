/** For tests: spans kept in memory (pass one to `startTracing({ exporter })`). */
export { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
