import {
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace-node";

/** Every span Atelier makes comes from this tracer; without `startTracing` it makes nothing (no cost). */
export const tracer = trace.getTracer("atelier");

export interface Tracing {
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Turns tracing on for this process: spans go over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the
 * exporter reads the standard OTEL_* settings itself), or to `exporter` when a test passes one.
 * Returns null when neither is given: the OpenTelemetry API then stays a no-op, and the SDK (about a
 * second of imports on a busy machine) is never loaded.
 */
export async function startTracing(options: {
  serviceName: string;
  env?: NodeJS.ProcessEnv;
  exporter?: SpanExporter;
}): Promise<Tracing | null> {
  const env = options.env ?? process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!options.exporter && !endpoint) return null;
  const [{ BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor }, { resourceFromAttributes }] =
    await Promise.all([import("@opentelemetry/sdk-trace-node"), import("@opentelemetry/resources")]);
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(
        new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter(),
      );
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": env.OTEL_SERVICE_NAME ?? options.serviceName }),
    spanProcessors: [processor],
  });
  // AsyncLocalStorage context and W3C trace context propagation.
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

/** W3C trace context of the active span, to travel inside a bus message; undefined when not tracing. */
export function traceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? carrier : undefined;
}

/** The context a carrier names (the submitting request's span), or the root when there is none. */
export function contextFromCarrier(carrier: unknown): Context {
  if (!carrier || typeof carrier !== "object") return ROOT_CONTEXT;
  const fields = Object.fromEntries(
    Object.entries(carrier).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
  return propagation.extract(ROOT_CONTEXT, fields);
}

/** Runs `work` in a new active span, ending it (with the error recorded) however `work` ends. */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      endWithError(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error's code and message (ending it is the caller's). */
export function endWithError(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

export { context, type Span, trace };
