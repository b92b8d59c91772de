// The public surface of @atelier/pipeline. Everything else is internal.

export type { Box, ImageAnalysis } from "./analysis.ts";
export type {
  Artifact,
  AssetFormat,
  Availability,
  ImageSize,
  OrgPipelineSettings,
  PipelineEnv,
  SizePlanEnv,
  StepContext,
  StepDefinition,
  StepPrice,
  StepResult,
} from "./step.ts";
export { defineStep, expectedMsOf } from "./step.ts";

// Decoding untrusted bytes
export {
  blockedLoaders,
  decodeGuarded,
  mapSharpError,
  mediaTypeOf,
  openUntrusted,
  sniffImageKind,
} from "./sharpInput.ts";
export type { ImageKind, OpenedImage, OpenOptions } from "./sharpInput.ts";
export { extensionOfMediaType } from "./imageIo.ts";
export { outputFileNamesOf, outputNamingOf } from "./outputNaming.ts";

// Catalogue, specs, presets, runner
export { allSteps, catalogue, describeSteps, parseSpec } from "./catalogue.ts";
export type { StepDescription } from "./catalogue.ts";
export { buildCatalogue, checkPlannedSteps, parsePipelineSpec, pipelineSpecSchema } from "./pipelineSpec.ts";
export { assertJobSizeWithin, planJobSize } from "./planJobSize.ts";
export { type JobPrice, priceJob, usedCredits } from "./pricing.ts";
export type { JobSizeLimits, JobSizePlan } from "./planJobSize.ts";
export type { AnyStep, PipelineSpec, PlannedStep, StepCatalogue } from "./pipelineSpec.ts";
export { describePresets, getPreset, presetAvailability, presetSpec, presets } from "./presets.ts";
export type { Preset, PresetDescription } from "./presets.ts";
export { runPipeline } from "./runPipeline.ts";
export type { PipelineEvents, PipelineResult, RunPipelineOptions } from "./runPipeline.ts";
export {
  outputThumbnail,
  previewMaxBytes,
  previewMaxSide,
  shrinkPreview,
  thumbnailMaxSide,
} from "./preview.ts";
export type { Preview } from "./preview.ts";

// Formats, text styles, edit documents
export { availableFormats, builtInFormats, MAX_FORMATS_PER_RUN } from "./formats.ts";
export { renderEditDocument } from "./renderEditDocument.ts";
export type { RenderEditOptions, Rendition } from "./renderEditDocument.ts";

// Image steps
export { adjustStep } from "./steps/adjust.ts";
export { backdropStep } from "./steps/backdrop.ts";
export { cartoonizeStep } from "./steps/cartoonize.ts";
export { convertStep } from "./steps/convert.ts";
export { cropStep } from "./steps/crop.ts";
export { figurineStep } from "./steps/figurine.ts";
export type { PrintReport } from "./figurine/printReport.ts";
export { generateStep } from "./steps/generate.ts";
export { harmonizeStep } from "./steps/harmonize.ts";
export { normalizeStep } from "./steps/normalize.ts";
export { repurposeStep } from "./steps/repurpose.ts";
export { resizeStep } from "./steps/resize.ts";
export { spriteSheetStep } from "./steps/spriteSheet.ts";
export { textOverlayStep } from "./steps/textOverlay.ts";
export { upscaleStep } from "./steps/upscale.ts";
export { startFakeReplicate } from "./replicate/fakeReplicate.ts";
export type { FakeReplicate } from "./replicate/fakeReplicate.ts";

// Model steps and models
export { analyzeImage } from "./analysis/analyzeImage.ts";
export type { AnalyzeOptions } from "./analysis/analyzeImage.ts";
export { analyzeStep } from "./steps/analyze.ts";
export { detectTextStep } from "./steps/detectText.ts";
export { moderateStep } from "./steps/moderate.ts";
export { moderationClasses, scoreImage, unsafeScore } from "./moderation/scoreImage.ts";
export type { ImageModeration, ModerationScores } from "./moderation/scoreImage.ts";
export { isHeld, orgModerationThreshold } from "./moderation/threshold.ts";
export { removeBackgroundStep, segmentSubject } from "./steps/removeBackground.ts";
export type { SubjectMask } from "./steps/removeBackground.ts";
export { findModel, listModels } from "./models/modelRegistry.ts";
export type { ModelSpec } from "./models/modelSpec.ts";
export { getModel, inferenceWorkers, loadedModels, releaseSessions } from "./models/sessionPool.ts";
export type { LoadedModel, ModelHandle } from "./models/sessionPool.ts";
export { float32Tensor } from "./models/inference/tensorData.ts";
export type { TensorData } from "./models/inference/tensorData.ts";
export type { InferenceSettings } from "./models/inference/inferenceBudget.ts";

// Settings every process that runs steps reads under the same names
export { pipelineSettingsOf, pipelineSettingsShape, renamedSettings } from "./pipelineSettings.ts";
export type { PipelineSettings, PipelineSettingsEnv } from "./pipelineSettings.ts";
