/**
 * Rewrites an ONNX model whose weights are stored as float16 into the same graph in float32.
 *
 * ISNet "medium" ships with every initializer in FLOAT16 and Cast nodes around the float32
 * input and outputs. onnxruntime's CPU provider has no float16 kernels for most of its
 * operators (Conv, Resize, MaxPool, Concat …) and wraps each of them in Cast-to-float and
 * Cast-back nodes, so the network spends its time converting activations. The float32 copy
 * runs the same operators without those casts; values differ only by the float16 rounding of
 * activations the original imposed between operators.
 *
 * The rewrite works on the protobuf wire format directly (no schema library): it walks
 * ModelProto → GraphProto and rewrites only
 * - initializers and Constant-like attribute tensors of type FLOAT16 (raw_data widened to FLOAT),
 * - Cast nodes' `to` attribute FLOAT16 → FLOAT,
 * - graph inputs, outputs and value_info whose tensor elem_type is FLOAT16;
 * every other byte is copied as is. Anything it does not understand (external data, float16
 * tensors outside raw_data, subgraphs, float16 in nested types) makes it return `undefined`,
 * and the caller keeps the original bytes.
 */

const FLOAT = 1;
const FLOAT16 = 10;

// Field numbers from onnx.proto.
const MODEL_GRAPH = 7;
const MODEL_FUNCTIONS = 25;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const GRAPH_SPARSE_INITIALIZER = 15;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTR_NAME = 1;
const ATTR_I = 3;
const ATTR_T = 5;
const ATTR_G = 6;
const ATTR_TENSORS = 10;
const ATTR_GRAPHS = 11;
const ATTR_SPARSE_TENSOR = 22;
const ATTR_SPARSE_TENSORS = 23;
const TENSOR_DATA_TYPE = 2;
const TENSOR_INT32_DATA = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TYPE_ELEM_TYPE = 1;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

interface Field {
  field: number;
  wire: number;
  /** The whole field, key included. */
  start: number;
  end: number;
  /** The payload of a length-delimited field. */
  valueStart: number;
  /** The value of a varint field (numbers past 2^53 lose precision; only small ones are read). */
  varint: number;
}

class Unsupported extends Error {}

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Unsupported("truncated varint");
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, pos];
    scale *= 128;
  }
  throw new Unsupported("varint too long");
}

function* fields(buf: Uint8Array, start: number, end: number): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [key, afterKey] = readVarint(buf, pos);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let valueStart = afterKey;
    let varint = 0;
    switch (wire) {
      case WIRE_VARINT:
        [varint, pos] = readVarint(buf, afterKey);
        break;
      case WIRE_I64:
        pos = afterKey + 8;
        break;
      case WIRE_I32:
        pos = afterKey + 4;
        break;
      case WIRE_LEN: {
        const [length, afterLength] = readVarint(buf, afterKey);
        valueStart = afterLength;
        pos = afterLength + length;
        break;
      }
      default:
        throw new Unsupported(`wire type ${wire}`);
    }
    if (pos > end) throw new Unsupported("field runs past its message");
    yield { field, wire, start: fieldStart, end: pos, valueStart, varint };
  }
}

function varintBytes(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** Pieces of an encoded message; concatenated only once, at the end. */
type Pieces = Uint8Array[];

function piecesLength(pieces: Pieces): number {
  let n = 0;
  for (const p of pieces) n += p.length;
  return n;
}

function lengthDelimited(field: number, body: Pieces): Pieces {
  return [varintBytes(field * 8 + WIRE_LEN), varintBytes(piecesLength(body)), ...body];
}

function varintField(field: number, value: number): Uint8Array {
  const key = varintBytes(field * 8 + WIRE_VARINT);
  const val = varintBytes(value);
  const out = new Uint8Array(key.length + val.length);
  out.set(key);
  out.set(val, key.length);
  return out;
}

let halfTable: Float32Array | undefined;

/** float32 value of every float16 bit pattern. */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  const bits = new Uint32Array(table.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0) {
      // Zero or subnormal: mantissa × 2^-24, exact in float32.
      table[h] = (mantissa / 16777216) * (sign ? -1 : 1);
    } else if (exponent === 31) {
      bits[h] = sign | 0x7f800000 | (mantissa << 13);
    } else {
      bits[h] = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
  }
  halfTable = table;
  return table;
}

function widenHalfs(raw: Uint8Array): Uint8Array {
  if (raw.length % 2 !== 0) throw new Unsupported("odd float16 raw_data length");
  const table = halfToFloatTable();
  const count = raw.length / 2;
  const out = new Float32Array(count);
  // Uint16Array reads host order; ONNX raw_data is little-endian, as is every platform ORT ships for.
  const halves =
    raw.byteOffset % 2 === 0
      ? new Uint16Array(raw.buffer, raw.byteOffset, count)
      : new Uint16Array(new Uint8Array(raw).buffer, 0, count); // a copy (Buffer#slice would share)
  for (let i = 0; i < count; i++) out[i] = table[halves[i] as number] as number;
  return new Uint8Array(out.buffer);
}

/** A TensorProto, widened if it is FLOAT16; `changed` is false when it was copied as is. */
function rewriteTensor(buf: Uint8Array, start: number, end: number): { body: Pieces; changed: boolean } {
  let dataType = 0;
  for (const f of fields(buf, start, end)) {
    if (f.field === TENSOR_DATA_TYPE && f.wire === WIRE_VARINT) dataType = f.varint;
  }
  if (dataType !== FLOAT16) return { body: [buf.subarray(start, end)], changed: false };
  const body: Pieces = [];
  for (const f of fields(buf, start, end)) {
    if (f.field === TENSOR_DATA_TYPE) {
      body.push(varintField(TENSOR_DATA_TYPE, FLOAT));
    } else if (f.field === TENSOR_RAW_DATA) {
      body.push(...lengthDelimited(TENSOR_RAW_DATA, [widenHalfs(buf.subarray(f.valueStart, f.end))]));
    } else if (
      f.field === TENSOR_INT32_DATA ||
      f.field === TENSOR_EXTERNAL_DATA ||
      f.field === TENSOR_DATA_LOCATION
    ) {
      throw new Unsupported("float16 tensor outside raw_data");
    } else {
      body.push(buf.subarray(f.start, f.end));
    }
  }
  return { body, changed: true };
}

/** elem_type FLOAT16 → FLOAT in a ValueInfoProto's tensor type. */
function rewriteValueInfo(buf: Uint8Array, start: number, end: number): Pieces {
  const body: Pieces = [];
  for (const f of fields(buf, start, end)) {
    if (f.field !== VALUE_INFO_TYPE || f.wire !== WIRE_LEN) {
      body.push(buf.subarray(f.start, f.end));
      continue;
    }
    const typeBody: Pieces = [];
    for (const t of fields(buf, f.valueStart, f.end)) {
      if (t.field !== TYPE_TENSOR || t.wire !== WIRE_LEN) {
        if (t.wire === WIRE_LEN && containsHalfElemType(buf, t.valueStart, t.end)) {
          throw new Unsupported("float16 inside a non-tensor type");
        }
        typeBody.push(buf.subarray(t.start, t.end));
        continue;
      }
      const tensorBody: Pieces = [];
      for (const e of fields(buf, t.valueStart, t.end)) {
        if (e.field === TYPE_ELEM_TYPE && e.wire === WIRE_VARINT && e.varint === FLOAT16) {
          tensorBody.push(varintField(TYPE_ELEM_TYPE, FLOAT));
        } else {
          tensorBody.push(buf.subarray(e.start, e.end));
        }
      }
      typeBody.push(...lengthDelimited(TYPE_TENSOR, tensorBody));
    }
    body.push(...lengthDelimited(VALUE_INFO_TYPE, typeBody));
  }
  return body;
}

/** Conservative check for sequence/map/optional types: any nested elem_type 10 at all. */
function containsHalfElemType(buf: Uint8Array, start: number, end: number): boolean {
  try {
    for (const f of fields(buf, start, end)) {
      if (f.field === TYPE_ELEM_TYPE && f.wire === WIRE_VARINT && f.varint === FLOAT16) return true;
      if (f.wire === WIRE_LEN && containsHalfElemType(buf, f.valueStart, f.end)) return true;
    }
  } catch {
    // Not a message (a string or bytes field): nothing nested.
  }
  return false;
}

function rewriteNode(buf: Uint8Array, start: number, end: number): Pieces {
  let opType = "";
  for (const f of fields(buf, start, end)) {
    if (f.field === NODE_OP_TYPE && f.wire === WIRE_LEN) {
      opType = Buffer.from(buf.subarray(f.valueStart, f.end)).toString("utf8");
    }
  }
  const body: Pieces = [];
  for (const f of fields(buf, start, end)) {
    if (f.field !== NODE_ATTRIBUTE || f.wire !== WIRE_LEN) {
      body.push(buf.subarray(f.start, f.end));
      continue;
    }
    body.push(...lengthDelimited(NODE_ATTRIBUTE, rewriteAttribute(buf, f.valueStart, f.end, opType)));
  }
  return body;
}

function rewriteAttribute(buf: Uint8Array, start: number, end: number, opType: string): Pieces {
  let name = "";
  for (const f of fields(buf, start, end)) {
    if (f.field === ATTR_NAME && f.wire === WIRE_LEN) {
      name = Buffer.from(buf.subarray(f.valueStart, f.end)).toString("utf8");
    }
  }
  const body: Pieces = [];
  for (const f of fields(buf, start, end)) {
    if (f.field === ATTR_G || f.field === ATTR_GRAPHS) throw new Unsupported("subgraph attribute");
    if (f.field === ATTR_SPARSE_TENSOR || f.field === ATTR_SPARSE_TENSORS) {
      throw new Unsupported("sparse tensor attribute");
    }
    if (f.field === ATTR_I && f.wire === WIRE_VARINT && f.varint === FLOAT16) {
      if (opType === "Cast" && name === "to") {
        body.push(varintField(ATTR_I, FLOAT));
        continue;
      }
      // Another operator's dtype-like attribute (EyeLike, RandomNormal …) that we do not rewrite.
      if (/type/i.test(name)) throw new Unsupported(`${opType}.${name} = FLOAT16`);
    }
    if ((f.field === ATTR_T || f.field === ATTR_TENSORS) && f.wire === WIRE_LEN) {
      const { body: tensor } = rewriteTensor(buf, f.valueStart, f.end);
      body.push(...lengthDelimited(f.field, tensor));
      continue;
    }
    body.push(buf.subarray(f.start, f.end));
  }
  return body;
}

function rewriteGraph(buf: Uint8Array, start: number, end: number): { body: Pieces; changed: boolean } {
  const body: Pieces = [];
  let changed = false;
  for (const f of fields(buf, start, end)) {
    if (f.wire !== WIRE_LEN) {
      body.push(buf.subarray(f.start, f.end));
      continue;
    }
    switch (f.field) {
      case GRAPH_INITIALIZER: {
        const tensor = rewriteTensor(buf, f.valueStart, f.end);
        changed ||= tensor.changed;
        body.push(
          ...(tensor.changed ? lengthDelimited(f.field, tensor.body) : [buf.subarray(f.start, f.end)]),
        );
        break;
      }
      case GRAPH_SPARSE_INITIALIZER:
        throw new Unsupported("sparse initializer");
      case GRAPH_NODE:
        body.push(...lengthDelimited(f.field, rewriteNode(buf, f.valueStart, f.end)));
        break;
      case GRAPH_INPUT:
      case GRAPH_OUTPUT:
      case GRAPH_VALUE_INFO:
        body.push(...lengthDelimited(f.field, rewriteValueInfo(buf, f.valueStart, f.end)));
        break;
      default:
        body.push(buf.subarray(f.start, f.end));
    }
  }
  return { body, changed };
}

/**
 * The model with float16 weights and activations widened to float32, or `undefined` when the
 * model has no float16 initializers or holds something this rewrite does not handle.
 */
export function fp16ModelToFp32(model: Uint8Array): Buffer | undefined {
  try {
    const pieces: Pieces = [];
    let changed = false;
    for (const f of fields(model, 0, model.length)) {
      if (f.field === MODEL_FUNCTIONS) throw new Unsupported("model-local functions");
      if (f.field === MODEL_GRAPH && f.wire === WIRE_LEN) {
        const graph = rewriteGraph(model, f.valueStart, f.end);
        changed = graph.changed;
        pieces.push(...lengthDelimited(MODEL_GRAPH, graph.body));
      } else {
        pieces.push(model.subarray(f.start, f.end));
      }
    }
    return changed ? Buffer.concat(pieces) : undefined;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}
