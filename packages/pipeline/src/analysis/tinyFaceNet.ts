import type { Weight } from "./tinyFaceWeights.ts";

/** A feature map in NHWC order without the batch dimension. */
export interface FeatureMap {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * face-api.js's TinyFaceDetector forward pass (TinyYolov2Base.runMobilenet with a plain first
 * convolution): conv3x3 valid, then five depthwise-separable blocks with 2x2 max pools, then a
 * 1x1 convolution to 5 anchors x (x, y, w, h, score). Leaky ReLU slope 0.1 after every block.
 */
export function runTinyFaceNet(input: FeatureMap, w: Map<string, Weight>): FeatureMap {
  let out = leaky(conv2d(input, get(w, "conv0/filters"), get(w, "conv0/bias"), 0));
  out = maxPool2(out, 2);
  for (const block of ["conv1", "conv2", "conv3", "conv4", "conv5"]) {
    out = leaky(
      pointwise(
        depthwise3x3Same(out, get(w, `${block}/depthwise_filter`)),
        get(w, `${block}/pointwise_filter`),
        get(w, `${block}/bias`),
      ),
    );
    out = maxPool2(out, block === "conv5" ? 1 : 2);
  }
  return pointwise(out, get(w, "conv8/filters"), get(w, "conv8/bias"));
}

function get(w: Map<string, Weight>, name: string): Weight {
  const found = w.get(name);
  if (!found) throw new Error(`face weights: missing ${name}`);
  return found;
}

/** Full convolution, kernel [kh, kw, in, out], stride 1, `pad` zeros on every side. */
function conv2d(x: FeatureMap, kernel: Weight, bias: Weight, pad: number): FeatureMap {
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
  const height = x.height + 2 * pad - kh + 1;
  const width = x.width + 2 * pad - kw + 1;
  const data = new Float32Array(height * width * cout);
  const k = kernel.data;
  for (let y = 0; y < height; y++) {
    for (let xo = 0; xo < width; xo++) {
      const o = (y * width + xo) * cout;
      for (let c = 0; c < cout; c++) data[o + c] = bias.data[c]!;
      for (let ky = 0; ky < kh; ky++) {
        const iy = y + ky - pad;
        if (iy < 0 || iy >= x.height) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = xo + kx - pad;
          if (ix < 0 || ix >= x.width) continue;
          const i = (iy * x.width + ix) * cin;
          const kBase = (ky * kw + kx) * cin * cout;
          for (let ci = 0; ci < cin; ci++) {
            const v = x.data[i + ci]!;
            const kRow = kBase + ci * cout;
            for (let c = 0; c < cout; c++) data[o + c] = data[o + c]! + v * k[kRow + c]!;
          }
        }
      }
    }
  }
  return { data, height, width, channels: cout };
}

/** Depthwise 3x3, kernel [3, 3, C, 1], one zero of padding on every side (size kept). */
function depthwise3x3Same(x: FeatureMap, kernel: Weight): FeatureMap {
  const { height, width, channels } = x;
  const data = new Float32Array(height * width * channels);
  const k = kernel.data;
  for (let y = 0; y < height; y++) {
    for (let xo = 0; xo < width; xo++) {
      const o = (y * width + xo) * channels;
      for (let ky = 0; ky < 3; ky++) {
        const iy = y + ky - 1;
        if (iy < 0 || iy >= height) continue;
        for (let kx = 0; kx < 3; kx++) {
          const ix = xo + kx - 1;
          if (ix < 0 || ix >= width) continue;
          const i = (iy * width + ix) * channels;
          const kBase = (ky * 3 + kx) * channels;
          for (let c = 0; c < channels; c++) data[o + c] = data[o + c]! + x.data[i + c]! * k[kBase + c]!;
        }
      }
    }
  }
  return { data, height, width, channels };
}

/** 1x1 convolution, kernel [1, 1, in, out], plus bias. */
function pointwise(x: FeatureMap, kernel: Weight, bias: Weight): FeatureMap {
  const cin = x.channels;
  const cout = kernel.shape[3]!;
  const pixels = x.height * x.width;
  const data = new Float32Array(pixels * cout);
  const k = kernel.data;
  for (let p = 0; p < pixels; p++) {
    const o = p * cout;
    const i = p * cin;
    for (let c = 0; c < cout; c++) data[o + c] = bias.data[c]!;
    for (let ci = 0; ci < cin; ci++) {
      const v = x.data[i + ci]!;
      if (v === 0) continue;
      const kRow = ci * cout;
      for (let c = 0; c < cout; c++) data[o + c] = data[o + c]! + v * k[kRow + c]!;
    }
  }
  return { data, height: x.height, width: x.width, channels: cout };
}

/** 2x2 max pool with TensorFlow's "same" padding (missing cells at the end are ignored). */
function maxPool2(x: FeatureMap, stride: number): FeatureMap {
  const height = Math.ceil(x.height / stride);
  const width = Math.ceil(x.width / stride);
  const { channels } = x;
  const data = new Float32Array(height * width * channels).fill(Number.NEGATIVE_INFINITY);
  for (let y = 0; y < height; y++) {
    for (let xo = 0; xo < width; xo++) {
      const o = (y * width + xo) * channels;
      for (let dy = 0; dy < 2; dy++) {
        const iy = y * stride + dy;
        if (iy >= x.height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const ix = xo * stride + dx;
          if (ix >= x.width) continue;
          const i = (iy * x.width + ix) * channels;
          for (let c = 0; c < channels; c++) {
            const v = x.data[i + c]!;
            if (v > data[o + c]!) data[o + c] = v;
          }
        }
      }
    }
  }
  return { data, height, width, channels };
}

function leaky(x: FeatureMap): FeatureMap {
  const d = x.data;
  for (let i = 0; i < d.length; i++) if (d[i]! < 0) d[i] = d[i]! * 0.1;
  return x;
}
