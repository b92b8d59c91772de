import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { fp16ModelToFp32 } from "./fp16ToFp32.ts";

// A tiny protobuf writer, enough to build ONNX models for these tests.
type Part = number | string | Uint8Array | Part[];
const FLOAT = 1;
const FLOAT16 = 10;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
function int(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)]);
}
function msg(field: number, ...parts: Part[]): Uint8Array {
  const body = concat(parts);
  return Uint8Array.from([...varint(field * 8 + 2), ...varint(body.length), ...body]);
}
function concat(parts: Part[]): Uint8Array {
  const chunks = parts.map((p) =>
    typeof p === "string"
      ? new TextEncoder().encode(p)
      : typeof p === "number"
        ? Uint8Array.of(p)
        : Array.isArray(p)
          ? concat(p)
          : p,
  );
  return Buffer.concat(chunks);
}
const str = (field: number, s: string) => msg(field, s);
const halves = (...bits: number[]) => new Uint8Array(Uint16Array.from(bits).buffer);

function tensor(field: number, name: string, dataType: number, raw: Uint8Array, dims: number[]): Uint8Array {
  return msg(field, ...dims.map((d) => int(1, d)), int(2, dataType), str(8, name), msg(9, raw));
}
function valueInfo(field: number, name: string, elemType: number): Uint8Array {
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, msg(1, int(1, 4))))));
}
function node(op: string, inputs: string[], outputs: string[], ...attributes: Uint8Array[]): Uint8Array {
  return msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(4, op), ...attributes);
}
const castTo = (to: number) => msg(5, str(1, "to"), int(3, to), int(20, 2));

/** y = float((half(x) + w) * c), w an fp16 initializer and c an fp16 Constant. */
function halfModel(w: Uint8Array): Uint8Array {
  const graph = msg(
    7,
    node("Cast", ["x"], ["xh"], castTo(FLOAT16)),
    node("Add", ["xh", "w"], ["s"]),
    node(
      "Constant",
      [],
      ["c"],
      msg(
        5,
        str(1, "value"),
        tensor(5, "", FLOAT16, halves(0x4000, 0x4000, 0x4000, 0x4000), [4]),
        int(20, 4),
      ),
    ),
    node("Mul", ["s", "c"], ["yh"]),
    node("Cast", ["yh"], ["y"], castTo(FLOAT)),
    str(2, "half"),
    tensor(5, "w", FLOAT16, w, [4]),
    valueInfo(11, "x", FLOAT),
    valueInfo(12, "y", FLOAT),
    valueInfo(13, "xh", FLOAT16),
    valueInfo(13, "s", FLOAT16),
  );
  return concat([int(1, 8), msg(8, str(1, ""), int(2, 15)), graph]);
}

async function run(model: Uint8Array, x: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [4]) });
    return out.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe("fp16ModelToFp32", () => {
  it("widens float16 weights, constants, casts and value types without changing results", async () => {
    // 1, -2, the smallest subnormal (2^-24), +Infinity
    const model = halfModel(halves(0x3c00, 0xc000, 0x0001, 0x7c00));
    const widened = fp16ModelToFp32(model);
    expect(widened).toBeDefined();
    const x = [0.5, 0.25, 0, 1];
    const expected = [3, -3.5, 2 ** -23, Number.POSITIVE_INFINITY];
    expect(Array.from(await run(model, x))).toEqual(expected);
    expect(Array.from(await run(widened!, x))).toEqual(expected);
    // Nothing float16 is left: a second pass finds nothing to do, and the Casts now say FLOAT.
    expect(fp16ModelToFp32(widened!)).toBeUndefined();
    const text = Buffer.from(widened!);
    expect(text.includes(Buffer.from(castTo(FLOAT16)))).toBe(false);
  });

  it("leaves float32 models and unparsable bytes alone", () => {
    const w = new Uint8Array(Float32Array.of(1, 2, 3, 4).buffer);
    const float32 = concat([
      int(1, 8),
      msg(8, str(1, ""), int(2, 15)),
      msg(7, node("Add", ["x", "w"], ["y"]), tensor(5, "w", FLOAT, w, [4]), valueInfo(11, "x", FLOAT)),
    ]);
    expect(fp16ModelToFp32(float32)).toBeUndefined();
    expect(fp16ModelToFp32(Uint8Array.of(0xff, 0xff, 0xff))).toBeUndefined();
  });
});
