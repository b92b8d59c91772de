/**
 * Writes a small ONNX model (float32 tensors, opset 13) as protobuf bytes, with no schema library.
 * Enough for graphs that a converter builds node by node: initializers, one input, one output,
 * and attributes of type float, int, ints and string. Field numbers are those of onnx.proto.
 */

export type OnnxAttribute = number | number[] | string | { float: number };

export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes?: Record<string, OnnxAttribute>;
}

export interface OnnxTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface OnnxValue {
  name: string;
  dims: number[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValue[];
  outputs: OnnxValue[];
}

const FLOAT = 1;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

type Bytes = Uint8Array[];

function varint(value: number): Uint8Array {
  // int64 fields: negative values are ten-byte two's complement, as protobuf writes them.
  let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const size = (parts: Bytes) => parts.reduce((n, p) => n + p.length, 0);
const varintField = (field: number, value: number): Bytes => [key(field, WIRE_VARINT), varint(value)];
const message = (field: number, body: Bytes): Bytes => [key(field, WIRE_LEN), varint(size(body)), ...body];
const bytesField = (field: number, data: Uint8Array): Bytes => [
  key(field, WIRE_LEN),
  varint(data.length),
  data,
];
const stringField = (field: number, text: string): Bytes => bytesField(field, new TextEncoder().encode(text));

function floatField(field: number, value: number): Bytes {
  const body = new Uint8Array(4);
  new DataView(body.buffer).setFloat32(0, value, true);
  return [key(field, WIRE_I32), body];
}

function attribute(name: string, value: OnnxAttribute): Bytes {
  const body: Bytes = stringField(1, name);
  if (typeof value === "string") body.push(...stringField(4, value), ...varintField(20, ATTR_STRING));
  else if (typeof value === "number") body.push(...varintField(3, value), ...varintField(20, ATTR_INT));
  else if (Array.isArray(value)) {
    for (const v of value) body.push(...varintField(8, v));
    body.push(...varintField(20, ATTR_INTS));
  } else body.push(...floatField(2, value.float), ...varintField(20, ATTR_FLOAT));
  return body;
}

function node(n: OnnxNode): Bytes {
  const body: Bytes = [];
  for (const input of n.inputs) body.push(...stringField(1, input));
  for (const output of n.outputs) body.push(...stringField(2, output));
  body.push(...stringField(3, n.name), ...stringField(4, n.opType));
  for (const [name, value] of Object.entries(n.attributes ?? {}))
    body.push(...message(5, attribute(name, value)));
  return body;
}

function tensor(t: OnnxTensor): Bytes {
  const body: Bytes = [];
  for (const d of t.dims) body.push(...varintField(1, d));
  body.push(...varintField(2, FLOAT), ...stringField(8, t.name));
  // raw_data is little-endian, as Float32Array is on every platform Node runs on here.
  body.push(...bytesField(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  return body;
}

function valueInfo(v: OnnxValue): Bytes {
  const dims: Bytes = [];
  for (const d of v.dims) dims.push(...message(1, varintField(1, d)));
  const tensorType: Bytes = [...varintField(1, FLOAT), ...message(2, dims)];
  return [...stringField(1, v.name), ...message(2, message(1, tensorType))];
}

export function encodeOnnxModel(graph: OnnxGraph, producer: string): Uint8Array {
  const g: Bytes = [];
  for (const n of graph.nodes) g.push(...message(1, node(n)));
  g.push(...stringField(2, graph.name));
  for (const t of graph.initializers) g.push(...message(5, tensor(t)));
  for (const v of graph.inputs) g.push(...message(11, valueInfo(v)));
  for (const v of graph.outputs) g.push(...message(12, valueInfo(v)));
  const model: Bytes = [
    ...varintField(1, 8), // ir_version 8 (onnx 1.10+)
    ...stringField(2, producer),
    ...message(7, g),
    ...message(8, [...stringField(1, ""), ...varintField(2, 13)]),
  ];
  const out = new Uint8Array(size(model));
  let at = 0;
  for (const part of model) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
